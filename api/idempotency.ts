import { createHash } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Orm } from '../db/orm';
import { problems } from './problem';

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : 1,
    );
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Honours Idempotency-Key on JSON POSTs: the same key and body replay the stored response, the
 * same key with another body is 422, and a request still running under the key is 409. Every
 * answer below 500 is stored, refusals included; server errors are not, so a retry after one
 * runs again. The answer is stored before it is sent, so a retry never finds it unfinished.
 */
export function idempotency(orm: Orm) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const key = req.get('Idempotency-Key');
    if (req.method !== 'POST' || key === undefined || !req.is('application/json')) return next();
    if (!/^[\w.:-]{1,200}$/.test(key)) {
      throw problems.badRequest('Idempotency-Key 须为 1 到 200 个字母、数字或 ._:-');
    }
    const principal = res.locals.actor.id;
    const hash = createHash('sha256')
      .update(`${req.method} ${req.originalUrl}\n${canonical(req.body)}`)
      .digest('hex');
    const em = orm.em.fork();

    const inserted = await em.execute<{ key: string }[]>(
      `insert into idempotency_record (principal, key, method, path, request_hash)
       values (?, ?, ?, ?, ?) on conflict do nothing returning key`,
      [principal, key, req.method, req.originalUrl, hash],
    );
    if (inserted.length === 0) {
      const [stored] = await em.execute<
        { request_hash: string; status_code: number | null; response_body: unknown }[]
      >(
        'select request_hash, status_code, response_body from idempotency_record where principal = ? and key = ?',
        [principal, key],
      );
      if (!stored) throw problems.conflict('Idempotency-Key 正在使用，请重试');
      if (stored.request_hash !== hash) {
        throw problems.unprocessable('Idempotency-Key 已用于另一个请求');
      }
      if (stored.status_code === null) {
        throw problems.conflict('相同 Idempotency-Key 的请求仍在处理中');
      }
      res.setHeader('Idempotency-Replayed', 'true');
      res
        .status(stored.status_code)
        .type(stored.status_code >= 400 ? 'application/problem+json' : 'application/json')
        .send(JSON.stringify(stored.response_body));
      return;
    }

    // res.json and the error handler both end in res.send, with the body as JSON text
    const send = res.send.bind(res);
    let captured = false;
    res.send = (body?: unknown) => {
      if (captured) return send(body);
      captured = true;
      const storable =
        res.statusCode < 500 &&
        typeof body === 'string' &&
        /json/.test(res.get('Content-Type') ?? '');
      const finish = storable
        ? em.execute(
            'update idempotency_record set status_code = ?, response_body = ? where principal = ? and key = ?',
            [res.statusCode, body, principal, key],
          )
        : em.execute('delete from idempotency_record where principal = ? and key = ?', [
            principal,
            key,
          ]);
      finish.then(
        () => send(body),
        (error: unknown) => next(error),
      );
      return res;
    };
    // a request that ended without a stored response (an error, an abort) frees its key
    res.on('close', () => {
      void em
        .execute(
          'delete from idempotency_record where principal = ? and key = ? and status_code is null',
          [principal, key],
        )
        .catch(() => undefined);
    });
    next();
  };
}
