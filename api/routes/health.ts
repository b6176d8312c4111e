import { Router } from 'express';
import type { ApiDeps } from '../deps';
import { problems } from '../problem';

/** /healthz: the process lives. /readyz: PostgreSQL and Temporal answer. */
export function healthRoutes(deps: ApiDeps): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const [database, temporal] = await Promise.all([
      deps.orm.checkConnection().then((result) => result.ok),
      deps.temporal.workflowService
        .getSystemInfo({})
        .then(() => true)
        .catch(() => false),
    ]);
    if (!database || !temporal) {
      throw problems.unavailable(
        `未就绪：${[!database && 'PostgreSQL', !temporal && 'Temporal'].filter(Boolean).join('、')}`,
      );
    }
    res.json({ status: 'ready', database: 'ok', temporal: 'ok' });
  });
  return router;
}
