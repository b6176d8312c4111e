import { execFile, spawn } from 'node:child_process';
import { constants } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './repo-root';

/** The newest CLI that `go install` can build (later modules use a replace directive). */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
const GO_MODULE = `github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_VERSION}`;

export interface FindTemporalCliOptions {
  /** Build with Go when no binary is found (default true). A cold build takes about 4 minutes. */
  build?: boolean;
  log?: (m: string) => void;
}

/** Where the project keeps its own build; git ignores it. */
export function localCliPath(): string {
  return path.join(repoRoot(), '.tools', 'bin', 'temporal');
}

/** A copy outside the repository, so a fresh clone (CI) need not build again. */
export function cachedCliPath(): string {
  const cacheHome = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(cacheHome, 'work-safety-supervision', `temporal-${TEMPORAL_CLI_VERSION}`);
}

export async function findTemporalCli(opts: FindTemporalCliOptions = {}): Promise<string> {
  const log = opts.log ?? (() => undefined);
  const tried: string[] = [];

  const fromEnv = process.env.TEMPORAL_CLI;
  if (fromEnv) {
    if (await runsVersion(fromEnv)) return path.resolve(fromEnv);
    throw new Error(`TEMPORAL_CLI=${fromEnv} is not an executable Temporal CLI; fix or unset it.`);
  }

  const onPath = await which('temporal');
  if (onPath && (await runsVersion(onPath))) return onPath;
  tried.push(
    onPath ? `${onPath} (on PATH): does not answer --version` : '`temporal` on PATH: none',
  );

  const local = localCliPath();
  const cached = cachedCliPath();
  if (await runsVersion(local)) {
    // Seed the cache from an existing build so later fresh clones skip the build.
    if (!(await isExecutable(cached))) await copyAtomically(local, cached).catch(() => undefined);
    return local;
  }
  tried.push(`${local}: missing`);

  if (await runsVersion(cached)) {
    log(`temporal: copying cached CLI ${cached} to ${local}`);
    await copyAtomically(cached, local);
    return local;
  }
  tried.push(`${cached}: missing`);

  if (opts.build === false) {
    tried.push('building with Go: not allowed (build: false)');
  } else if (!(await which('go'))) {
    tried.push('building with Go: `go` is not on PATH');
  } else {
    try {
      await goInstall(path.dirname(local), log);
      await copyAtomically(local, cached).catch((err: Error) => {
        log(`temporal: could not cache the CLI at ${cached}: ${err.message}`);
      });
      return local;
    } catch (err) {
      tried.push(`building with Go: ${(err as Error).message}`);
    }
  }

  throw new Error(
    [
      'No Temporal CLI found. Tried:',
      ...tried.map((t) => `  - ${t}`),
      'Fix one of:',
      `  - install Go (https://go.dev/dl) and run: node dist/scripts/ensure-temporal.js`,
      '  - set TEMPORAL_CLI to the path of a `temporal` binary (Temporal CLI 1.x)',
      '  - with internet access, infra/temporal-dev-server falls back to @temporalio/testing,',
      '    which downloads the CLI',
    ].join('\n'),
  );
}

async function goInstall(binDir: string, log: (m: string) => void): Promise<void> {
  await fs.mkdir(binDir, { recursive: true });
  log(`temporal: building ${GO_MODULE} into ${binDir} (about 4 minutes with cold Go caches)`);
  const started = Date.now();
  const tail: string[] = [];
  const child = spawn('go', ['install', GO_MODULE], {
    env: { ...process.env, GOBIN: binDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      log(`go: ${line}`);
      tail.push(line);
      if (tail.length > 20) tail.shift();
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) throw new Error(`go install exited with ${code}:\n${tail.join('\n')}`);
  log(`temporal: built in ${Math.round((Date.now() - started) / 1000)} s`);
}

/** Copy to a temporary name and rename, so no one ever runs a half-written binary. */
async function copyAtomically(from: string, to: string): Promise<void> {
  await fs.mkdir(path.dirname(to), { recursive: true });
  const tmp = `${to}.${process.pid}.tmp`;
  try {
    await fs.copyFile(from, tmp);
    await fs.chmod(tmp, 0o755);
    await fs.rename(tmp, to);
  } finally {
    await fs.rm(tmp, { force: true });
  }
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await fs.access(file, constants.X_OK);
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
}

/** Usable means it exists and answers `--version` (catches truncated or foreign files). */
async function runsVersion(file: string): Promise<boolean> {
  if (!(await isExecutable(file))) return false;
  return new Promise((resolve) => {
    execFile(file, ['--version'], { timeout: 15_000 }, (err) => resolve(!err));
  });
}

async function which(cmd: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, cmd);
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}
