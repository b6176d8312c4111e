import { ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { repoRoot } from '../../infra/repo-root';

/** The compiled entry points bench runs as processes, from its own build (dist-bench). */
const distDir = path.resolve(__dirname, '..', '..');
export const workerEntry = path.join(distDir, 'worker', 'main.js');
export const apiEntry = path.join(distDir, 'api', 'main.js');

export interface ChildOptions {
  name: string;
  entry: string;
  env: Record<string, string>;
  /** Resolves start() when the output contains this (the worker's 'Worker started'). */
  readyLine?: string;
  /** Or when this resolves (the API answering /healthz). */
  readyCheck?: () => Promise<boolean>;
  nodeArgs?: string[];
}

/** A Node process of the system (API or worker), started as production starts it. */
export class ServiceProcess {
  private child: ChildProcess | null = null;
  private tail: string[] = [];
  starts = 0;

  constructor(private readonly options: ChildOptions) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(extraEnv: Record<string, string> = {}): Promise<void> {
    const { name, entry, env, readyLine, readyCheck } = this.options;
    const child = spawn(process.execPath, [...(this.options.nodeArgs ?? []), entry], {
      cwd: repoRoot(),
      env: { ...process.env, ...env, ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.starts += 1;
    let seen = '';
    let ready = false;
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      if (!ready && readyLine) {
        seen = (seen + text).slice(-4096);
        if (seen.includes(readyLine)) ready = true;
      }
      for (const line of text.split('\n')) {
        if (line.trim()) this.tail.push(line.slice(0, 400));
      }
      if (this.tail.length > 60) this.tail.splice(0, this.tail.length - 60);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

    const deadline = Date.now() + 90_000;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`${name} exited during start:\n${this.output()}`);
      }
      if (ready || (readyCheck && (await readyCheck()))) return;
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        await exited;
        throw new Error(`${name} not ready after 90 s:\n${this.output()}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** SIGKILL: nothing is finished or flushed, as in a crash. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  /** SIGTERM: a graceful stop. */
  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    this.child = null;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(force);
  }

  output(): string {
    return this.tail.join('\n');
  }

  /** Resident and peak resident memory in MiB, from /proc (Linux). */
  async memory(): Promise<{ rssMiB: number; peakMiB: number } | null> {
    return processMemory(this.pid);
  }
}

export async function processMemory(
  pid: number | undefined,
): Promise<{ rssMiB: number; peakMiB: number } | null> {
  if (!pid) return null;
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1]);
  const rss = kib('VmRSS');
  if (!Number.isFinite(rss)) return null;
  return { rssMiB: Math.round(rss / 1024), peakMiB: Math.round(kib('VmHWM') / 1024) };
}
