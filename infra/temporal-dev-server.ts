import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { searchAttributeTypes } from '../contracts/search-attributes';
import { freePort } from './ports';
import { findTemporalCli } from './temporal-cli';

export interface DevServer {
  /** host:port of the frontend gRPC service */
  address: string;
  namespace: string;
  uiUrl?: string;
  stop(): Promise<void>;
}

export interface DevServerOptions {
  /** SQLite file that keeps state across restarts; in memory when absent. */
  dbFile?: string;
  port?: number;
  uiPort?: number;
  headless?: boolean;
  namespace?: string;
  /** Passed as --dynamic-config-value k=v; values are JSON-encoded as the CLI expects. */
  dynamicConfig?: Record<string, string | number | boolean>;
  log?: (m: string) => void;
  /** Receives every line the server prints; by default they are only kept for error messages. */
  serverLog?: (line: string) => void;
}

const READY_TIMEOUT_MS = 60_000;
const POLL_MS = 200;
const STOP_TIMEOUT_MS = 10_000;

export async function startTemporalDevServer(opts: DevServerOptions = {}): Promise<DevServer> {
  const log = opts.log ?? (() => undefined);
  const dbFile = opts.dbFile && path.resolve(opts.dbFile);
  if (dbFile) await fs.mkdir(path.dirname(dbFile), { recursive: true });
  let cli: string;
  try {
    cli = await findTemporalCli({ log });
  } catch (err) {
    return startWithTestingPackage({ ...opts, dbFile }, err as Error);
  }

  const namespace = opts.namespace ?? 'default';
  const port = opts.port ?? (await freePort());
  const address = `127.0.0.1:${port}`;
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port)];
  let uiUrl: string | undefined;
  if (opts.headless) {
    args.push('--headless');
  } else {
    const uiPort = opts.uiPort ?? (await freePort());
    args.push('--ui-port', String(uiPort));
    uiUrl = `http://127.0.0.1:${uiPort}`;
  }
  if (dbFile) args.push('--db-filename', dbFile);
  args.push('--namespace', namespace, ...extraArgs(opts.dynamicConfig));

  const started = Date.now();
  const child = spawn(cli, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      opts.serverLog?.(line);
      output.push(line);
      if (output.length > 40) output.shift();
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);

  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Only synchronous work is possible in an 'exit' handler: a kill is enough not to leak it.
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);

  let exitInfo: string | undefined;
  child.once('error', (err) => (exitInfo = `failed to start: ${err.message}`));
  const failure = () => new Error(`Temporal dev server ${exitInfo}:\n${output.join('\n')}`);
  const exitedEarly = exited.then(() => {
    exitInfo ??= `exited with ${child.signalCode ?? child.exitCode}`;
    throw failure();
  });
  const ready = (async () => {
    for (;;) {
      if (exitInfo) throw failure();
      if (await healthy(cli, address)) return;
      if (Date.now() - started > READY_TIMEOUT_MS) {
        throw new Error(
          `Temporal dev server not healthy after ${READY_TIMEOUT_MS / 1000} s. Last output:\n` +
            output.slice(-15).join('\n'),
        );
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  })();
  // Whichever loses the race below must not surface later as an unhandled rejection.
  ready.catch(() => undefined);
  exitedEarly.catch(() => undefined);
  try {
    // An early exit wins even while a health check is still waiting for an answer.
    await Promise.race([ready, exitedEarly]);
  } catch (err) {
    exitInfo ??= 'was given up on';
    child.kill('SIGKILL');
    process.off('exit', killOnExit);
    throw err;
  }
  log(`temporal: dev server on ${address} ready in ${Date.now() - started} ms (${cli})`);

  return {
    address,
    namespace,
    uiUrl,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      }
      process.off('exit', killOnExit);
    },
  };
}

/** Search attributes from the contract plus dynamic config, in the CLI's syntax. */
function extraArgs(dynamicConfig: DevServerOptions['dynamicConfig'] = {}): string[] {
  const args: string[] = [];
  for (const [name, type] of Object.entries(searchAttributeTypes)) {
    args.push('--search-attribute', `${name}=${type}`);
  }
  for (const [key, value] of Object.entries(dynamicConfig)) {
    args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  }
  return args;
}

function healthy(cli: string, address: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(
      cli,
      ['operator', 'cluster', 'health', '--address', address],
      { timeout: 5_000 },
      (err) => resolve(!err),
    );
  });
}

/**
 * Last resort on a machine with internet but no Go: @temporalio/testing downloads the same CLI.
 * Untested here (no internet); kept deliberately small.
 */
async function startWithTestingPackage(opts: DevServerOptions, cause: Error): Promise<DevServer> {
  const log = opts.log ?? (() => undefined);
  log(
    `temporal: ${cause.message}\ntemporal: falling back to @temporalio/testing (downloads the CLI)`,
  );
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  const namespace = opts.namespace ?? 'default';
  const uiPort = opts.headless ? undefined : (opts.uiPort ?? (await freePort()));
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      ip: '127.0.0.1',
      port: opts.port,
      ui: !opts.headless,
      uiPort,
      namespace,
      dbFilename: opts.dbFile,
      extraArgs: extraArgs(opts.dynamicConfig),
    },
  });
  return {
    address: env.address,
    namespace,
    uiUrl: uiPort ? `http://127.0.0.1:${uiPort}` : undefined,
    stop: () => env.teardown(),
  };
}
