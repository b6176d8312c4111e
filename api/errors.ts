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
import { HttpProblem, problems } from './problem';

const transientCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P01', '57P03']);

function isTransient(error: unknown): boolean {
  if (error instanceof ConnectionException) return true;
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && transientCodes.has(code);
}

export function zodProblem(error: ZodError): HttpProblem {
  return problems.validation(
    error.issues.map((issue) => ({
      path: issue.path.join('.') || '(body)',
      message: issue.message,
    })),
  );
}

/** Turns whatever a route threw into a problem; unknown errors become a bare 500. */
export function toProblem(error: unknown): HttpProblem | null {
  if (error instanceof HttpProblem) return error;
  if (error instanceof ZodError) return zodProblem(error);

  const bodyError = error as { type?: string; status?: number };
  if (bodyError?.type === 'entity.parse.failed') return problems.badRequest('请求体不是有效的 JSON');
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
    if (type === REFUSAL_TYPES.forbidden) return problems.forbidden(message);
    if (type === REFUSAL_TYPES.conflict) return problems.conflict(message);
    if (type === REFUSAL_TYPES.invalid) return problems.unprocessable(message);
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
