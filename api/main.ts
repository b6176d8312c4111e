import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { AppConfig, loadConfig } from '../config';
import { createLogger, Logger } from '../config/logger';
import { policyWarnings, readPolicyFile } from '../config/policy-file';
import { migrate, openOrm } from '../db/orm';
import { recordPolicyVersion } from '../db/policy-versions';
import { createApp } from './app';
import { createVerifier } from './auth';
import type { ApiDeps } from './deps';

export interface RunningApi {
  url: string;
  deps: ApiDeps;
  close(): Promise<void>;
}

/** Opens the API's dependencies, applies migrations and records the policy in force. */
export async function startApi(config: AppConfig, logger: Logger): Promise<RunningApi> {
  const policy = await readPolicyFile(config.policy.file);
  for (const warning of policyWarnings(policy)) logger.warn({ policy: policy.version }, warning);

  const orm = await openOrm(config.database.url, {
    pool: { min: 0, max: config.database.poolMax },
  });
  await migrate(orm);
  await recordPolicyVersion(orm.em.fork(), policy);

  const connection = await Connection.connect({ address: config.temporal.address });
  const temporal = new Client({ connection, namespace: config.temporal.namespace });
  const deps: ApiDeps = {
    config,
    orm,
    temporal,
    policy,
    verify: createVerifier(config.auth),
    logger,
  };

  const server: Server = await new Promise((resolve) => {
    const listening = createApp(deps).listen(config.http.port, () => resolve(listening));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.http.port;
  logger.info({ port, policy: policy.version }, 'API listening');

  return {
    url: `http://127.0.0.1:${port}`,
    deps,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await connection.close();
      await orm.close();
    },
  };
}

if (require.main === module) {
  const config = loadConfig();
  const logger = createLogger(config.log.level, 'api');
  startApi(config, logger)
    .then((api) => {
      const stop = () => void api.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    })
    .catch((error: unknown) => {
      logger.error({ err: error }, 'API failed to start');
      process.exit(1);
    });
}
