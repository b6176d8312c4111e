import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../../infra/repo-root';

/** Progress goes to stderr, so stdout holds only the tables. */
export function say(message: string): void {
  process.stderr.write(`[${new Date().toISOString().slice(11, 23)}] ${message}\n`);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The q-quantile (0..1) of the values, nearest rank; NaN for none. */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

export const median = (values: number[]) => quantile(values, 0.5);

export function round(value: number, digits = 1): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  platform: string;
}

export function machine(): Machine {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

export type Cell = string | number | boolean | null;

export interface Table {
  title: string;
  columns: string[];
  rows: Cell[][];
}

function cellText(cell: Cell): string {
  if (cell === null) return '–';
  if (typeof cell === 'number') return Number.isInteger(cell) ? String(cell) : cell.toFixed(2);
  return String(cell);
}

/** A plain-text table; CJK characters count double so the columns line up in a terminal. */
export function formatTable(table: Table): string {
  const width = (text: string) =>
    [...text].reduce((w, c) => w + (c.charCodeAt(0) > 0x2e7f ? 2 : 1), 0);
  const cells = [table.columns, ...table.rows.map((row) => row.map(cellText))];
  const widths = table.columns.map((_, i) => Math.max(...cells.map((row) => width(row[i] ?? ''))));
  const line = (row: string[]) =>
    row
      .map((text, i) => text + ' '.repeat(widths[i]! - width(text)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [table.title, line(cells[0]!), rule, ...cells.slice(1).map(line)].join('\n');
}

/** Prints the tables and writes them, with the run's parameters and raw figures, as JSON. */
export async function publish(
  name: string,
  result: { parameters: Record<string, unknown>; tables: Table[]; details?: unknown },
): Promise<string> {
  const dir = process.env.BENCH_RESULTS_DIR ?? path.join(repoRoot(), 'bench', 'results');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${name}.json`);
  const document = { name, measuredAt: new Date().toISOString(), machine: machine(), ...result };
  await writeFile(file, `${JSON.stringify(document, null, 2)}\n`);
  const m = document.machine;
  process.stdout.write(
    `\n${name} — ${m.cpus} cores (${m.cpuModel}), ${m.memoryGiB} GiB, Node ${m.node}\n` +
      `parameters: ${JSON.stringify(result.parameters)}\n\n` +
      result.tables.map(formatTable).join('\n\n') +
      `\n\nwritten to ${path.relative(process.cwd(), file)}\n`,
  );
  return file;
}

/** Runs a script's main, printing a failure and exiting non-zero; cleans up on Ctrl-C. */
export function runMain(main: () => Promise<void>, cleanUp: () => Promise<void> = async () => {}) {
  let stopping = false;
  const stop = (code: number) => {
    if (stopping) return;
    stopping = true;
    cleanUp()
      .catch((err: Error) => say(`clean-up failed: ${err.message}`))
      .finally(() => process.exit(code));
  };
  process.once('SIGINT', () => stop(130));
  process.once('SIGTERM', () => stop(143));
  main().then(
    () => stop(typeof process.exitCode === 'number' ? process.exitCode : 0),
    (err: unknown) => {
      say(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      stop(1);
    },
  );
}

/** Integer from the environment, for sizes such as BENCH_N. */
export function envInt(name: string, fallback: number): number {
  const text = process.env[name]?.trim();
  if (!text) return fallback;
  const value = Number(text.replace(/_/g, ''));
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`${name} must be an integer, got ${text}`);
  return value;
}
