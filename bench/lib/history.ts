import { temporal } from '@temporalio/proto';
import { hazardWorkflowId } from '../../contracts/hazard';
import { median, round } from './report';
import type { BenchSystem } from './system';

const EventType = temporal.api.enums.v1.EventType;

function eventName(type: number | null | undefined): string {
  const name = EventType[type ?? 0] ?? String(type);
  return name
    .replace(/^EVENT_TYPE_/, '')
    .toLowerCase()
    .replace(/_(\w)/g, (_, c: string) => c.toUpperCase());
}

function ms(time: { seconds?: unknown; nanos?: number | null } | null | undefined): number {
  if (!time) return Number.NaN;
  return Number(time.seconds ?? 0) * 1000 + (time.nanos ?? 0) / 1e6;
}

/**
 * Where a case's time goes, from its workflow histories: for each step from one history event to
 * the next (up to `limit` events), the median gap over the sampled cases. The server stamps
 * each event, so the gaps split time between the server's queues, the worker and activities.
 */
export async function historyGaps(
  system: BenchSystem,
  caseNos: string[],
  opts: { limit?: number; startAt?: string; from?: (caseNo: string) => number } = {},
): Promise<{ step: string; medianMs: number; cases: number }[]> {
  const gaps = new Map<string, number[]>();
  for (const caseNo of caseNos) {
    const history = await system.client.workflow.getHandle(hazardWorkflowId(caseNo)).fetchHistory();
    let events = history.events ?? [];
    if (opts.startAt) {
      const first = events.findIndex((event) => eventName(event.eventType) === opts.startAt);
      events = first < 0 ? [] : events.slice(first);
    }
    events = events.slice(0, opts.limit ?? 12);
    let previous = { name: 'due', at: opts.from ? opts.from(caseNo) : Number.NaN };
    const seen = new Map<string, number>();
    for (const event of events) {
      const base = eventName(event.eventType);
      const count = (seen.get(base) ?? 0) + 1;
      seen.set(base, count);
      const name = count > 1 && !opts.startAt ? `${base}#${count}` : base;
      const at = ms(event.eventTime);
      if (Number.isFinite(previous.at)) {
        const key = `${previous.name} → ${name}`;
        gaps.set(key, [...(gaps.get(key) ?? []), at - previous.at]);
      }
      previous = { name, at };
    }
  }
  return [...gaps.entries()]
    .filter(([, values]) => values.length >= caseNos.length / 2)
    .map(([step, values]) => ({ step, medianMs: round(median(values)), cases: values.length }));
}
