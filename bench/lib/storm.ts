import { demoEnterprises } from '../../db/seed';
import { caseBody, closedLoop, expectedMessageId, openViaApi } from './cases';
import { stormPolicy } from './policies';
import { quantile, say, sleep } from './report';
import type { BenchSystem } from './system';

/** The department that receives rung 0 of the storm policy for the bench's enterprise. */
const RECIPIENT = 'duban@yjj.county.example';
const STEP_KEY = 'confirmation-1.0';

export interface Storm {
  stormAt: number;
  caseNos: string[];
  /** Message-ID → case number, for every email the storm must produce. */
  expected: Map<string, string>;
  openedInMs: number;
}

export interface StormOutcome {
  expected: number;
  received: number;
  lost: number;
  /** Copies beyond the first of the same Message-ID. */
  doubled: number;
  unexpected: number;
  /** From the instant the rungs fell due until the last email arrived. */
  lastMs: number;
  p50Ms: number;
  p99Ms: number;
  lateness: number[];
}

/**
 * Opens n cases through the API whose rung 0 all fall due at one instant, far enough ahead for
 * every case to be opened and recorded first (openRate: cases per second to plan for).
 */
export async function openStorm(
  system: BenchSystem,
  n: number,
  opts: { openRate?: number; leadMs?: number } = {},
): Promise<Storm> {
  const openRate = opts.openRate ?? 20;
  const now = Date.now();
  const stormAt = Math.ceil((now + (opts.leadMs ?? 20_000) + (n / openRate) * 1000) / 1000) * 1000;
  const policy = stormPolicy(stormAt, now);
  await system.restartApi(policy);
  const token = await system.token();
  const enterpriseId = demoEnterprises[0]!.creditCode;

  const started = performance.now();
  const { results } = await closedLoop(n, 16, (i) =>
    openViaApi(system, token, caseBody(enterpriseId, i)),
  );
  const failed = results.filter((r) => !r.ok);
  if (failed.length) throw new Error(`${failed.length} cases failed to open: ${failed[0]!.error}`);
  const caseNos = results.map((r) => r.value!);
  const openedInMs = performance.now() - started;
  const left = stormAt - Date.now();
  say(`storm: ${n} cases opened in ${Math.round(openedInMs)} ms, rung 0 due in ${left} ms`);
  if (left < 3_000) {
    throw new Error(
      `opening took too long for the planned instant (${left} ms left); lower BENCH_STORM_OPEN_RATE`,
    );
  }
  const expected = new Map(
    caseNos.map((caseNo) => [expectedMessageId(caseNo, STEP_KEY, 0, RECIPIENT), caseNo]),
  );
  return { stormAt, caseNos, expected, openedInMs };
}

/** Waits for the storm's emails (until timeoutMs after the instant), then counts and times them. */
export async function awaitStorm(
  system: BenchSystem,
  storm: Storm,
  opts: {
    timeoutMs?: number;
    settleMs?: number;
    during?: () => Promise<void>;
    onAllReceived?: () => Promise<void>;
  } = {},
): Promise<StormOutcome> {
  const sink = system.mail;
  const countNow = () =>
    new Set(sink.received.filter((m) => storm.expected.has(m.messageId)).map((m) => m.messageId))
      .size;
  const deadline = storm.stormAt + (opts.timeoutMs ?? 300_000);
  const during = opts.during?.();
  while (countNow() < storm.expected.size && Date.now() < deadline) await sleep(200);
  await opts.onAllReceived?.();
  await during;
  // copies and stragglers: what arrives a little after the last expected one counts too
  await sleep(opts.settleMs ?? 3_000);
  return countStorm(system, storm);
}

async function countStorm(system: BenchSystem, storm: Storm): Promise<StormOutcome> {
  const dueAt = await dueTimes(system, storm.caseNos);
  const firstAt = new Map<string, number>();
  let doubled = 0;
  let unexpected = 0;
  for (const mail of system.mail.received) {
    if (mail.at < storm.stormAt - 60_000) continue;
    if (!storm.expected.has(mail.messageId)) {
      if (!mail.messageId.startsWith('<raw-')) unexpected += 1;
      continue;
    }
    if (firstAt.has(mail.messageId)) doubled += 1;
    else firstAt.set(mail.messageId, mail.at);
  }
  const lateness = [...firstAt.entries()].map(([messageId, at]) => {
    const caseNo = storm.expected.get(messageId)!;
    return at - (dueAt.get(caseNo) ?? storm.stormAt);
  });
  return {
    expected: storm.expected.size,
    received: firstAt.size,
    lost: storm.expected.size - firstAt.size,
    doubled,
    unexpected,
    lastMs: Math.max(...lateness),
    p50Ms: quantile(lateness, 0.5),
    p99Ms: quantile(lateness, 0.99),
    lateness,
  };
}

/** Each case's rung-0 due time as the system recorded it (the escalated event's occurred_at). */
async function dueTimes(system: BenchSystem, caseNos: string[]): Promise<Map<string, number>> {
  const { rows } = await system.pool.query<{ case_no: string; occurred_at: Date }>(
    `select case_no, occurred_at from case_event
     where type = 'escalated' and rung = 0 and case_no = any($1)`,
    [caseNos],
  );
  return new Map(rows.map((row) => [row.case_no, row.occurred_at.getTime()]));
}
