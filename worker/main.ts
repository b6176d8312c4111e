import { NativeConnection } from '@temporalio/worker';
import { loadConfig } from '../config';
import { createLogger } from '../config/logger';
import { openOrm } from '../db/orm';
import { createMailer } from '../activities/mailer';
import { createWorker, installRuntimeLogger } from './create-worker';

/** Runs the worker until SIGINT or SIGTERM. */
export async function runWorker(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.log.level, 'worker');
  installRuntimeLogger(logger);

  const orm = await openOrm(config.database.url, {
    pool: { min: 0, max: config.database.poolMax },
  });
  const mailer = createMailer(config.smtp.url, config.smtp.from);
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  try {
    const worker = await createWorker({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      activityConcurrency: config.temporal.activityConcurrency,
      workflowBundlePath: process.env.WORKFLOW_BUNDLE || undefined,
      deps: { orm, mailer, mailFrom: config.smtp.from, publicBaseUrl: config.http.publicBaseUrl },
    });
    logger.info({ taskQueue: worker.options.taskQueue }, 'Worker started');
    await worker.run();
    logger.info('Worker stopped');
  } finally {
    await connection.close();
    mailer.close();
    await orm.close();
  }
}

if (require.main === module) {
  runWorker().catch((error: unknown) => {
    process.stderr.write(
      `worker failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  });
}
