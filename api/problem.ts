/** An RFC 9457 problem document, thrown by routes and rendered by the error handler. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly slug: string,
    readonly title: string,
    readonly detail?: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail ?? title);
    this.name = 'HttpProblem';
  }
}

export const problems = {
  badRequest: (detail: string, extensions?: Record<string, unknown>) =>
    new HttpProblem(400, 'bad-request', '请求无效', detail, extensions),
  validation: (errors: { path: string; message: string }[]) =>
    new HttpProblem(
      400,
      'validation',
      '请求内容不符合要求',
      errors.map((e) => `${e.path}: ${e.message}`).join('; '),
      { errors },
    ),
  unauthorized: (detail: string) => new HttpProblem(401, 'unauthorized', '未认证', detail),
  forbidden: (detail: string) => new HttpProblem(403, 'forbidden', '无权执行此操作', detail),
  notFound: (detail: string) => new HttpProblem(404, 'not-found', '资源不存在', detail),
  conflict: (detail: string, extensions?: Record<string, unknown>) =>
    new HttpProblem(409, 'conflict', '与当前状态冲突', detail, extensions),
  tooLarge: (detail: string) => new HttpProblem(413, 'too-large', '内容过大', detail),
  unsupportedMedia: (detail: string) =>
    new HttpProblem(415, 'unsupported-media-type', '不支持的内容类型', detail),
  /** A well-formed request a rule refuses; `field` names the input it is about, if one. */
  unprocessable: (detail: string, field?: string) =>
    new HttpProblem(422, 'unprocessable', '请求无法处理', detail, {
      ...(field ? { errors: [{ path: field, message: detail }] } : {}),
    }),
  unavailable: (detail: string) => new HttpProblem(503, 'unavailable', '服务暂不可用', detail),
};

export function problemBody(problem: HttpProblem, instance: string, requestId: string) {
  return {
    type: `/problems/${problem.slug}`,
    title: problem.title,
    status: problem.status,
    ...(problem.detail ? { detail: problem.detail } : {}),
    instance,
    requestId,
    ...problem.extensions,
  };
}
