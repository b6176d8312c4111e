import { readdir, readFile } from 'node:fs/promises';
import { round } from './report';

const TICKS_PER_SECOND = 100;

export interface CpuSnapshot {
  at: number;
  byName: Map<string, number>;
  machine: number;
}

/** CPU seconds used so far by the named processes, all postgres processes, and the machine. */
export async function cpuSnapshot(pids: Record<string, number | undefined>): Promise<CpuSnapshot> {
  const byName = new Map<string, number>();
  for (const [name, pid] of Object.entries(pids)) {
    if (pid) byName.set(name, await processCpu(pid));
  }
  let postgres = 0;
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    if (/^\d+ \(postgres\)/.test(stat)) postgres += cpuOf(stat);
  }
  byName.set('PostgreSQL (all)', postgres);
  const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0]!;
  const [user, nice, system] = line.split(/\s+/).slice(1, 4).map(Number);
  return { at: Date.now(), byName, machine: (user! + nice! + system!) / TICKS_PER_SECOND };
}

async function processCpu(pid: number): Promise<number> {
  return cpuOf(await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => ''));
}

function cpuOf(stat: string): number {
  // fields after the command, which may contain spaces: state is field 3, utime 14, stime 15
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) / TICKS_PER_SECOND;
}

/** CPU seconds each part used between two snapshots, and what the rest of the machine used. */
export function cpuUsed(before: CpuSnapshot, after: CpuSnapshot) {
  const seconds = (after.at - before.at) / 1000;
  const parts = [...after.byName.entries()].map(([name, value]) => ({
    part: name,
    cpuSeconds: round(value - (before.byName.get(name) ?? 0), 2),
  }));
  const ours = parts.reduce((sum, p) => sum + p.cpuSeconds, 0);
  parts.push({
    part: 'everything else',
    cpuSeconds: round(after.machine - before.machine - ours, 2),
  });
  return { wallSeconds: round(seconds, 2), parts };
}
