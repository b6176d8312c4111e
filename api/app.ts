import { randomUUID } from 'node:crypto';
import { RequestContext } from '@mikro-orm/core';
import express, { NextFunction, Request, Response } from 'express';
import { pinoHttp } from 'pino-http';
import { authenticate } from './auth';
import type { ApiDeps } from './deps';
import { toProblem } from './errors';
import { idempotency } from './idempotency';
import { HttpProblem, problemBody, problems } from './problem';
import { assessmentRoutes } from './routes/assessments';
import { docsRoutes } from './routes/docs';
import { evidenceRoutes } from './routes/evidence';
import { hazardRoutes } from './routes/hazards';
import { healthRoutes } from './routes/health';
import { pageRoutes } from './routes/pages';
import { referenceRoutes } from './routes/reference';
import { riskRoutes } from './routes/risk';

export function createApp(deps: ApiDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');

  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id =
          typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
    }),
  );

  app.use(healthRoutes(deps));
  app.use(docsRoutes());
  app.use(pageRoutes(deps));

  const api = express.Router();
  api.use(express.json({ limit: '1mb' }));
  api.use((_req, _res, next) => RequestContext.create(deps.orm.em, next));
  api.use(authenticate(deps.verify));
  api.use(idempotency(deps.orm));
  api.use(referenceRoutes(deps));
  api.use(hazardRoutes(deps));
  api.use(evidenceRoutes(deps));
  api.use(assessmentRoutes(deps));
  api.use(riskRoutes(deps));
  app.use('/api/v1', api);

  app.use((req: Request) => {
    throw problems.notFound(`没有 ${req.method} ${req.path} 这个接口`);
  });
  app.use(errorHandler(deps));
  return app;
}

function errorHandler(deps: ApiDeps) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction) => {
    let problem = toProblem(error);
    if (!problem) {
      deps.logger.error({ err: error, reqId: req.id }, 'Request failed');
      problem = new HttpProblem(500, 'internal', '服务器内部错误', '请求未能完成，已记录日志');
    } else if (problem.status >= 500) {
      deps.logger.warn({ err: error, reqId: req.id }, 'Dependency unavailable');
    }
    if (res.headersSent) return;
    if (problem.status === 503) res.setHeader('Retry-After', '5');
    const requestId = String(res.getHeader('X-Request-Id') ?? '');
    res
      .status(problem.status)
      .type('application/problem+json')
      .send(JSON.stringify(problemBody(problem, req.originalUrl, requestId)));
  };
}
