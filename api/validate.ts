import type { Request } from 'express';
import type { z } from 'zod';
import { zodProblem } from './errors';
import { problems } from './problem';

export function parse<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw zodProblem(result.error);
  return result.data;
}

/** The JSON body of a request, refusing other media types. */
export function jsonBody<S extends z.ZodType>(req: Request, schema: S): z.infer<S> {
  if (!req.is('application/json')) {
    throw problems.unsupportedMedia('请求体须为 application/json');
  }
  return parse(schema, req.body);
}
