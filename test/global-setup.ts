// jest globalSetup for the integration project: one Temporal dev server and one fresh database
// per `jest` run, handed to the test files through process.env (workers inherit it).
import fs from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../infra/embedded-postgres';
import { repoRoot } from '../infra/repo-root';
import { findTemporalCli } from '../infra/temporal-cli';
import { startTemporalDevServer } from '../infra/temporal-dev-server';

interface TestServers {
  stopTemporal?(): Promise<void>;
  temporalDbFile?: string;
  /** URL of the server's maintenance database, to drop the test database from */
  adminUrl?: string;
  testDatabase?: string;
  stopPostgres?(): Promise<void>;
}

// globalSetup and globalTeardown run in the same process, but jest loads them as separate modules.
const holder = globalThis as { __testServers?: TestServers };

const log = (m: string) => process.stderr.write(`[global-setup] ${m}\n`);

export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const servers: TestServers = {};
  holder.__testServers = servers;
  try {
    const varDir = path.join(repoRoot(), 'var', 'test');
    await fs.mkdir(varDir, { recursive: true });

    const cli = await findTemporalCli({ build: true, log });
    servers.temporalDbFile = path.join(varDir, `temporal-${process.pid}.db`);
    await removeDbFiles(servers.temporalDbFile);
    const temporal = await startTemporalDevServer({
      headless: true,
      dbFile: servers.temporalDbFile,
      log,
    });
    servers.stopTemporal = temporal.stop;

    let adminUrl = process.env.DATABASE_URL;
    if (!adminUrl) {
      const embedded = await startEmbeddedPostgres({ dataDir: path.join(varDir, 'pg'), log });
      adminUrl = embedded.url;
      servers.stopPostgres = embedded.stop;
    }
    servers.adminUrl = adminUrl;
    const testDatabase = `supervision_test_${process.pid}`;
    await withClient(adminUrl, async (client) => {
      await client.query(`drop database if exists ${testDatabase} with (force)`);
      await client.query(`create database ${testDatabase}`);
    });
    servers.testDatabase = testDatabase;

    const testUrl = new URL(adminUrl);
    testUrl.pathname = `/${testDatabase}`;
    process.env.TEMPORAL_ADDRESS = temporal.address;
    process.env.TEMPORAL_NAMESPACE = temporal.namespace;
    process.env.DATABASE_URL = testUrl.toString();
    process.env.TEST_TEMPORAL_CLI = cli;
    log(
      `Temporal ${temporal.address}, database ${testDatabase} on ${testUrl.host} ` +
        `(${Date.now() - started} ms)`,
    );
  } catch (err) {
    // jest skips globalTeardown when globalSetup fails: clean up what was started.
    await cleanUpTestServers().catch(() => undefined);
    throw err;
  }
}

/** Stops and removes everything globalSetup made; globalTeardown calls it. */
export async function cleanUpTestServers(): Promise<void> {
  const servers = holder.__testServers;
  holder.__testServers = undefined;
  if (!servers) return;
  const errors: unknown[] = [];
  const attempt = (step: () => Promise<unknown>) => step().catch((err) => errors.push(err));

  if (servers.stopTemporal) await attempt(servers.stopTemporal);
  if (servers.temporalDbFile) await attempt(() => removeDbFiles(servers.temporalDbFile!));
  const { adminUrl, testDatabase } = servers;
  if (adminUrl && testDatabase) {
    await attempt(() =>
      withClient(adminUrl, (client) =>
        // with (force): a test that leaked a connection must not keep the database alive
        client.query(`drop database if exists ${testDatabase} with (force)`),
      ),
    );
  }
  if (servers.stopPostgres) await attempt(servers.stopPostgres);
  if (errors.length) throw new AggregateError(errors, 'integration test clean-up failed');
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect().catch((err: Error) => {
    throw new Error(`cannot reach PostgreSQL at ${new URL(url).host}: ${err.message}`);
  });
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** SQLite keeps a write-ahead log and shared memory next to the file. */
async function removeDbFiles(dbFile: string): Promise<void> {
  for (const suffix of ['', '-wal', '-shm', '-journal']) {
    await fs.rm(`${dbFile}${suffix}`, { force: true });
  }
}
