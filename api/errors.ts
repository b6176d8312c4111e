import {
  ConnectionException,
  ForeignKeyConstraintViolationException,
  NotFoundError,
  UniqueConstraintViolationException,
} from '@mikro-orm/core';
import {
  ApplicationFailure,
  ServiceError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { MulterError } from 'multer';
import { ZodError } from 'zod';
import { REFUSAL_TYPES } from '../contracts/hazard';
import type { Refusal } from '../domain/hazard';
import { HttpProblem, problems } from './problem';

const refusalReasons = Object.keys(REFUSAL_TYPES) as Refusal['reason'][];

const transientCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P01', '57P03']);

function isTransient(error: unknown): boolean {
  if (error instanceof ConnectionException) return true;
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && transientCodes.has(code);
}

const pathOf = (path: PropertyKey[]) => path.map(String).join('.') || '(body)';

/** One entry per offending field; an unknown key is named by its own path, not its parent's. */
export function zodProblem(error: ZodError): HttpProblem {
  return problems.validation(
    error.issues.flatMap((issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => ({
            path: pathOf([...issue.path, key]),
            message: 'Unrecognized key',
          }))
        : [{ path: pathOf(issue.path), message: issue.message }],
    ),
  );
}

/** The problem for a command the case's rules refuse. */
export function refusalProblem(reason: Refusal['reason'], message: string): HttpProblem {
  if (reason === 'forbidden') return problems.forbidden(message);
  if (reason === 'conflict') return problems.conflict(message);
  return problems.unprocessable(message);
}

/** Turns whatever a route threw into a problem; unknown errors become a bare 500. */
export function toProblem(error: unknown): HttpProblem | null {
  if (error instanceof HttpProblem) return error;
  if (error instanceof ZodError) return zodProblem(error);

  const bodyError = error as { type?: string; status?: number };
  if (bodyError?.type === 'entity.parse.failed') {
    return problems.badRequest('请求体不是有效的 JSON');
  }
  if (bodyError?.type === 'entity.too.large') return problems.tooLarge('请求体过大');
  if (bodyError?.type === 'encoding.unsupported' || bodyError?.type === 'charset.unsupported') {
    return problems.unsupportedMedia('不支持的字符编码');
  }

  if (error instanceof MulterError) {
    if (error.code === 'LIMIT_FILE_SIZE') return problems.tooLarge('文件超过大小上限');
    return problems.badRequest(`上传格式错误：${error.message}`);
  }

  if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
    const { type, message } = error.cause;
    const reason = refusalReasons.find((r) => REFUSAL_TYPES[r] === type);
    if (reason) return refusalProblem(reason, message);
  }
  if (error instanceof WorkflowNotFoundError) return problems.notFound('案件的流程不存在');

  if (error instanceof NotFoundError) return problems.notFound(error.message);
  if (error instanceof UniqueConstraintViolationException) {
    return problems.conflict('记录已存在');
  }
  if (error instanceof ForeignKeyConstraintViolationException) {
    return problems.unprocessable('引用的记录不存在');
  }
  if (error instanceof ServiceError || isTransient(error)) {
    return problems.unavailable('依赖的服务暂不可用，请稍后重试');
  }
  return null;
}
