import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import pg from 'pg';
import { signToken } from '../../api/auth';
import { openOrm } from '../../db/orm';
import { recordPolicyVersion } from '../../db/policy-versions';
import { seedDemoData } from '../../db/seed';
import type { Actor } from '../../domain/hazard';
import type { Policy } from '../../domain/policy';
import { EmbeddedPostgres, startEmbeddedPostgres } from '../../infra/embedded-postgres';
import { freePort } from '../../infra/ports';
import { repoRoot } from '../../infra/repo-root';
import { DevServer, startTemporalDevServer } from '../../infra/temporal-dev-server';
import { CpuSnapshot, cpuSnapshot } from './cpu';
import { MailSink, startMailSink } from './mail-sink';
import { apiEntry, processMemory, ServiceProcess, workerEntry } from './processes';
import { say } from './report';

export const MAIL_FROM = '县安委办督办系统 <duban@bench.test>';
export const inspector: Actor = {
  id: 'bench-inspector',
  name: '李检查',
  role: 'inspector',
  departmentId: 'yjj',
};

export interface SystemOptions {
  /** Names the working folder var/bench/<name>-<pid>. */
  name: string;
  policy: Policy;
  /** 'shared': a fresh database on the PostgreSQL in DATABASE_URL (default 127.0.0.1:5432);
   *  'embedded': a PostgreSQL of the bench's own, which a drill may stop. */
  database?: 'shared' | 'embedded';
  /** Keep the dev server's state in a file, so it survives a restart. */
  temporalFile?: boolean;
  env?: Record<string, string>;
}

/**
 * The whole system on its own parts: a Temporal dev server, a database, an SMTP sink, the API
 * and the worker as processes, as production runs them.
 */
export class BenchSystem {
  temporal!: DevServer;
  private temporalPort = 0;
  private embedded: EmbeddedPostgres | null = null;
  private pgPort = 0;
  databaseUrl = '';
  private adminUrl = '';
  private databaseName = '';
  mail!: MailSink;
  api!: ServiceProcess;
  worker!: ServiceProcess;
  apiUrl = '';
  env: Record<string, string> = {};
  pool!: pg.Pool;
  client!: Client;
  private connection!: Connection;
  readonly dir: string;
  private readonly secret = randomBytes(32).toString('hex');
  private policyFile = '';

  constructor(private readonly options: SystemOptions) {
    this.dir = path.join(repoRoot(), 'var', 'bench', `${options.name}-${process.pid}`);
  }

  async start(): Promise<this> {
    const started = Date.now();
    await rm(this.dir, { recursive: true, force: true });
    await mkdir(this.dir, { recursive: true });
    this.mail = await startMailSink();
    this.temporalPort = await freePort();
    await this.startTemporal();
    await this.startDatabase();

    const apiPort = await freePort();
    this.apiUrl = `http://127.0.0.1:${apiPort}`;
    this.policyFile = await this.writePolicy(this.options.policy);
    this.env = {
      TEMPORAL_ADDRESS: this.temporal.address,
      TEMPORAL_NAMESPACE: 'default',
      DATABASE_URL: this.databaseUrl,
      SMTP_URL: this.mail.url,
      MAIL_FROM,
      PORT: String(apiPort),
      PUBLIC_BASE_URL: 'http://cases.bench.test',
      JWT_SECRET: this.secret,
      POLICY_FILE: this.policyFile,
      EVIDENCE_DIR: path.join(this.dir, 'evidence'),
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
      WORKFLOW_BUNDLE: await workflowBundle(),
      ...this.options.env,
    };
    this.api = new ServiceProcess({
      name: 'API',
      entry: apiEntry,
      env: this.env,
      readyCheck: () => this.answers('/healthz'),
    });
    this.worker = new ServiceProcess({
      name: 'worker',
      entry: workerEntry,
      env: this.env,
      // e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to see where the worker's time goes
      nodeArgs: process.env.BENCH_WORKER_NODE_ARGS?.split(' ').filter(Boolean),
      readyLine: 'Worker started',
    });
    await this.api.start();

    this.pool = new pg.Pool({ connectionString: this.databaseUrl, max: 4 });
    this.pool.on('error', () => undefined);
    const orm = await openOrm(this.databaseUrl);
    try {
      await seedDemoData(orm.em.fork());
    } finally {
      await orm.close();
    }
    this.connection = await Connection.connect({ address: this.temporal.address });
    this.client = new Client({ connection: this.connection, namespace: 'default' });
    await this.worker.start();
    say(
      `system up in ${Date.now() - started} ms: API ${this.apiUrl}, Temporal ${this.temporal.address}`,
    );
    return this;
  }

  private async answers(pathName: string): Promise<boolean> {
    try {
      const response = await fetch(`${this.apiUrl}${pathName}`, {
        signal: AbortSignal.timeout(2000),
      });
      await response.arrayBuffer();
      return response.ok;
    } catch {
      return false;
    }
  }

  async startTemporal(): Promise<void> {
    this.temporal = await startTemporalDevServer({
      headless: true,
      port: this.temporalPort,
      dbFile: this.options.temporalFile ? path.join(this.dir, 'temporal.db') : undefined,
      log: (m) => say(m),
    });
  }

  async stopTemporal(): Promise<void> {
    await this.temporal.stop();
  }

  private async startDatabase(): Promise<void> {
    if (this.options.database === 'embedded') {
      this.pgPort = await freePort();
      await this.startPostgres();
      this.databaseUrl = this.embedded!.url;
      return;
    }
    this.adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    this.databaseName = `bench_${this.options.name.replace(/\W/g, '_')}_${process.pid}`;
    await withClient(this.adminUrl, async (client) => {
      await client.query(`drop database if exists ${this.databaseName} with (force)`);
      await client.query(`create database ${this.databaseName}`);
    });
    const url = new URL(this.adminUrl);
    url.pathname = `/${this.databaseName}`;
    this.databaseUrl = url.toString();
  }

  /** The embedded PostgreSQL only: start it (again) on the same port and data. */
  async startPostgres(): Promise<void> {
    this.embedded = await startEmbeddedPostgres({
      dataDir: path.join(this.dir, 'pg'),
      port: this.pgPort,
      log: (m) => say(m),
    });
  }

  async stopPostgres(): Promise<void> {
    if (!this.embedded) throw new Error('only the embedded PostgreSQL may be stopped');
    const current = this.embedded;
    this.embedded = null;
    await current.stop();
  }

  /** Writes a policy file (bench's own policies are made per run) and records its version. */
  async writePolicy(policy: Policy): Promise<string> {
    const file = path.join(this.dir, `policy-${policy.version}.json`);
    await writeFile(file, `${JSON.stringify(policy, null, 2)}\n`);
    return file;
  }

  async recordPolicy(policy: Policy): Promise<void> {
    const orm = await openOrm(this.databaseUrl);
    try {
      await recordPolicyVersion(orm.em.fork(), policy);
    } finally {
      await orm.close();
    }
  }

  /** Restarts the API with another policy file (the API reads it once, at start). */
  async restartApi(policy: Policy): Promise<void> {
    await this.api.stop();
    await this.api.start({ POLICY_FILE: await this.writePolicy(policy) });
  }

  token(actor: Actor = inspector): Promise<string> {
    return signToken(this.secret, actor, { expiresIn: '24h' });
  }

  /** The dev server's pid: the `temporal` process that is a child of this one. */
  async temporalPid(): Promise<number | undefined> {
    for (const entry of await readdir('/proc').catch(() => [] as string[])) {
      if (!/^\d+$/.test(entry)) continue;
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
      const match = /^\d+ \((.*)\) \S (\d+)/.exec(stat);
      if (match?.[1] === 'temporal' && Number(match[2]) === process.pid) return Number(entry);
    }
    return undefined;
  }

  async temporalMemory(): Promise<{ rssMiB: number; peakMiB: number } | null> {
    return processMemory(await this.temporalPid());
  }

  /** CPU seconds so far of each part of the system (cpu.ts). */
  async cpu(): Promise<CpuSnapshot> {
    return cpuSnapshot({
      'Temporal dev server': await this.temporalPid(),
      worker: this.worker.pid,
      API: this.api.pid,
      'bench (load, sink)': process.pid,
    });
  }

  async stop(): Promise<void> {
    const steps: [string, () => Promise<unknown>][] = [
      ['worker', () => this.worker?.stop() ?? Promise.resolve()],
      ['API', () => this.api?.stop() ?? Promise.resolve()],
      ['client', () => this.connection?.close() ?? Promise.resolve()],
      ['pool', () => this.pool?.end() ?? Promise.resolve()],
      ['temporal', () => this.temporal?.stop() ?? Promise.resolve()],
      ['mail', () => this.mail?.stop() ?? Promise.resolve()],
    ];
    if (this.embedded) steps.push(['postgres', () => this.stopPostgres()]);
    if (this.databaseName) {
      steps.push([
        'database',
        () =>
          withClient(this.adminUrl, (c) =>
            c.query(`drop database if exists ${this.databaseName} with (force)`),
          ),
      ]);
    }
    for (const [name, step] of steps) {
      await step().catch((err: Error) => say(`stopping ${name}: ${err.message}`));
    }
    if (!process.env.BENCH_KEEP) await rm(this.dir, { recursive: true, force: true });
  }
}

/** Removes the run's workflow bundle; call once at the end of a script. */
export async function removeBundle(): Promise<void> {
  if (!bundle) return;
  const file = await bundle.catch(() => null);
  if (file) await rm(file, { force: true });
}

let bundle: Promise<string> | null = null;

/** Bundles the workflows once per run, as a production worker would be given them. */
export function workflowBundle(): Promise<string> {
  bundle ??= (async () => {
    const { code } = await bundleWorkflowCode({
      workflowsPath: require.resolve('../../workflows'),
      logger: {
        trace() {},
        debug() {},
        info() {},
        warn() {},
        error: (m: string) => say(m),
      } as never,
    });
    const dir = path.join(repoRoot(), 'var', 'bench');
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, `workflows-${process.pid}.js`);
    await writeFile(file, code);
    return file;
  })();
  return bundle;
}

export async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
