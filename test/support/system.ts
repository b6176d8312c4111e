import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { EntityManager } from '@mikro-orm/postgresql';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { createMailer, Mailer } from '../../activities/mailer';
import { signToken } from '../../api/auth';
import { RunningApi, startApi } from '../../api/main';
import { AppConfig, loadConfig } from '../../config';
import { createLogger } from '../../config/logger';
import { openOrm, Orm } from '../../db/orm';
import { seedDemoData } from '../../db/seed';
import type { Actor } from '../../domain/hazard';
import { createWorker, installRuntimeLogger } from '../../worker/create-worker';
import { MailRecorder, startMailRecorder } from './mail-recorder';
import { repoRoot } from './builders';

export interface TestSystem {
  config: AppConfig;
  env: Record<string, string>;
  api: RunningApi;
  mail: MailRecorder;
  orm: Orm;
  em(): EntityManager;
  token(actor: Actor): Promise<string>;
  /** Calls the API as an actor; the body is sent as JSON unless it is FormData. */
  call(
    actor: Actor | null,
    method: string,
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Response>;
  startWorker(): Promise<void>;
  stopWorker(): Promise<void>;
  stop(): Promise<void>;
}

let bundlePath: Promise<string> | null = null;

/** Bundles the workflows once per test file. */
export function workflowBundle(): Promise<string> {
  bundlePath ??= (async () => {
    const { code } = await bundleWorkflowCode({
      workflowsPath: require.resolve('../../workflows'),
      logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error } as never,
    });
    const dir = await mkdtemp(path.join(os.tmpdir(), 'wf-bundle-'));
    const file = path.join(dir, 'workflows.js');
    await writeFile(file, code);
    return file;
  })();
  return bundlePath;
}

/**
 * The whole system on real parts: the API and a worker in this process, talking to the test
 * run's Temporal dev server and PostgreSQL, sending mail to a real SMTP recorder. Each file
 * gets its own task queue, so workflows left open by another file never reach its worker.
 */
export async function startSystem(
  options: {
    policy?: 'default' | 'test-seconds';
    inProcessWorker?: boolean;
    /** Variables that replace the test defaults, such as EVIDENCE_MAX_BYTES. */
    env?: Record<string, string>;
  } = {},
): Promise<TestSystem> {
  const mail = await startMailRecorder();
  const env: Record<string, string> = {
    TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS!,
    TEMPORAL_NAMESPACE: process.env.TEMPORAL_NAMESPACE ?? 'default',
    TEMPORAL_TASK_QUEUE: `hazard-cases-${randomUUID().slice(0, 8)}`,
    DATABASE_URL: process.env.DATABASE_URL!,
    SMTP_URL: mail.url,
    MAIL_FROM: '县安委办督办系统 <duban@supervision.test>',
    PORT: '0',
    JWT_SECRET: randomBytes(32).toString('hex'),
    POLICY_FILE: path.join(repoRoot, 'policy', `${options.policy ?? 'test-seconds'}.json`),
    EVIDENCE_DIR: await mkdtemp(path.join(os.tmpdir(), 'evidence-')),
    PUBLIC_BASE_URL: 'http://cases.test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    ...options.env,
  };
  const config = loadConfig(env);
  const logger = createLogger(config.log.level, 'test');
  installRuntimeLogger(logger, 'WARN');

  const api = await startApi(config, logger);
  const orm = await openOrm(config.database.url);
  await seedDemoData(orm.em.fork());

  let worker: {
    worker: Worker;
    running: Promise<void>;
    connection: NativeConnection;
    mailer: Mailer;
  } | null = null;

  const system: TestSystem = {
    config,
    env,
    api,
    mail,
    orm,
    em: () => orm.em.fork(),
    token: (actor) => signToken(env.JWT_SECRET!, actor),
    async call(actor, method, url, body, headers = {}) {
      const init: RequestInit = { method, headers: { ...headers } };
      if (actor)
        (init.headers as Record<string, string>).authorization =
          `Bearer ${await system.token(actor)}`;
      if (body instanceof FormData) init.body = body;
      else if (body !== undefined) {
        (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
        init.body = typeof body === 'string' ? body : JSON.stringify(body);
      }
      return fetch(`${api.url}${url}`, init);
    },
    async startWorker() {
      if (worker) return;
      const connection = await NativeConnection.connect({ address: config.temporal.address });
      const mailer = createMailer(config.smtp.url, config.smtp.from);
      const created = await createWorker({
        connection,
        namespace: config.temporal.namespace,
        taskQueue: config.temporal.taskQueue,
        workflowBundlePath: await workflowBundle(),
        deps: { orm, mailer, mailFrom: config.smtp.from, publicBaseUrl: config.http.publicBaseUrl },
      });
      worker = { worker: created, running: created.run(), connection, mailer };
    },
    async stopWorker() {
      if (!worker) return;
      const current = worker;
      worker = null;
      current.worker.shutdown();
      await current.running;
      await current.connection.close();
      current.mailer.close();
    },
    async stop() {
      await system.stopWorker();
      await api.close();
      await orm.close();
      await mail.stop();
    },
  };
  if (options.inProcessWorker !== false) await system.startWorker();
  return system;
}
