import path from 'node:path';
import { NativeConnection } from '@temporalio/worker';
import pg from 'pg';
import { createMailer } from '../activities/mailer';
import { startApi } from '../api/main';
import { loadConfig } from '../config';
import { createLogger } from '../config/logger';
import { applyRisk, ensureInspectionCycle } from '../api/risk-service';
import { EnterpriseSchema } from '../db/entities';
import { seedDemoData } from '../db/seed';
import { effectiveTier } from '../domain/risk';
import { startEmbeddedPostgres } from '../infra/embedded-postgres';
import { startMailCatcher } from '../infra/mail-catcher';
import { preferPort } from '../infra/ports';
import { repoRoot } from '../infra/repo-root';
import { findTemporalCli } from '../infra/temporal-cli';
import { startTemporalDevServer } from '../infra/temporal-dev-server';
import { createWorker, installRuntimeLogger } from '../worker/create-worker';
import { devJwtSecret } from './dev-secret';

const say = (line: string) => process.stdout.write(`${line}\n`);

async function ensureDatabase(adminUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Brings the whole system up on one machine: each of Temporal, PostgreSQL and SMTP that is not
 * configured is started embedded, with its state under var/; then the API and a worker.
 */
async function main(): Promise<void> {
  const env = { ...process.env };
  const stops: (() => Promise<void>)[] = [];
  const varDir = path.join(repoRoot(), 'var');
  const log = (line: string) => say(`  ${line}`);
  const lines: string[] = [];

  say('Starting the work-safety supervision system…');
  if (!env.TEMPORAL_ADDRESS) {
    await findTemporalCli({ build: true, log });
    const temporal = await startTemporalDevServer({
      dbFile: path.join(varDir, 'temporal', 'dev.db'),
      port: await preferPort(7233),
      uiPort: await preferPort(8233),
      log,
    });
    env.TEMPORAL_ADDRESS = temporal.address;
    stops.unshift(() => temporal.stop());
    lines.push(
      `Temporal UI    ${temporal.uiUrl ?? '(headless)'}   (dev server at ${temporal.address})`,
    );
  } else {
    lines.push(`Temporal       ${env.TEMPORAL_ADDRESS} (configured)`);
  }
  if (!env.DATABASE_URL) {
    const postgres = await startEmbeddedPostgres({ dataDir: path.join(varDir, 'pg'), log });
    env.DATABASE_URL = await ensureDatabase(postgres.url, 'supervision');
    stops.unshift(() => postgres.stop());
    lines.push(`PostgreSQL     ${env.DATABASE_URL} (embedded, data in var/pg)`);
  }
  if (!env.SMTP_URL) {
    const mail = await startMailCatcher({ dir: path.join(varDir, 'mail'), log });
    env.SMTP_URL = mail.smtpUrl;
    stops.unshift(() => mail.stop());
    lines.push(`Mail           ${mail.webUrl}   (each message also as .eml in ${mail.dir})`);
  }
  if (!env.JWT_SECRET && !env.JWKS_URL) env.JWT_SECRET = devJwtSecret();

  const config = loadConfig(env);
  const logger = createLogger(config.log.level, 'supervision');
  installRuntimeLogger(logger);

  const api = await startApi(config, logger);
  stops.unshift(() => api.close());
  if (await seedDemoData(api.deps.orm.em.fork())) {
    lines.push('Demo data      loaded into the empty database (departments, enterprises)');
  }

  // every enterprise has its tier and its inspection cycle (a no-op for those that have them)
  const manager = api.deps.orm.em.fork();
  const system = { id: 'system', name: '系统', role: 'admin' as const };
  for (const enterprise of await manager.find(EnterpriseSchema, {})) {
    if (enterprise.computedTier === null)
      await applyRisk(manager, api.deps, enterprise, system, '启动时评定');
    else {
      const tier = effectiveTier(enterprise.computedTier, enterprise.tierOverride, Date.now()).tier;
      await ensureInspectionCycle(api.deps, enterprise, tier);
    }
  }

  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const mailer = createMailer(config.smtp.url, config.smtp.from);
  const worker = await createWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    activityConcurrency: config.temporal.activityConcurrency,
    deps: {
      orm: api.deps.orm,
      mailer,
      mailFrom: config.smtp.from,
      publicBaseUrl: config.http.publicBaseUrl,
    },
  });
  const running = worker.run();

  say('');
  say(`API            ${config.http.publicBaseUrl}/api/v1`);
  say(`API docs       ${config.http.publicBaseUrl}/docs   (OpenAPI at /openapi.json)`);
  for (const line of lines) say(line);
  say(`Policy         ${config.policy.file}`);
  say('Token          npm run token -- --role inspector --dept yjj');
  say('');
  say('Press Ctrl-C to stop.');

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    say('Stopping…');
    try {
      worker.shutdown();
    } catch {
      // the SDK's own signal handler may have begun the shutdown already
    }
    await running.catch(() => undefined);
    await connection.close();
    mailer.close();
    for (const step of stops) await step().catch(() => undefined);
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  process.stderr.write(`start failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
