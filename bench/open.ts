// Case opening: POST /api/v1/hazards against raw client.workflow.start of the same workflow.
import {
  allocateCaseNos,
  caseBody,
  closedLoop,
  openViaApi,
  rawStart,
  rawStartAndWait,
  Timed,
  workflowInput,
} from './lib/cases';
import { cpuUsed } from './lib/cpu';
import { historyGaps } from './lib/history';
import { defaultPolicy } from './lib/policies';
import { envInt, median, publish, quantile, round, runMain, say, sleep } from './lib/report';
import { BenchSystem, removeBundle } from './lib/system';

const COUNT = envInt('BENCH_OPEN_COUNT', 400);
const ROUNDS = envInt('BENCH_OPEN_ROUNDS', 5);
const CONCURRENCY = envInt('BENCH_OPEN_CONCURRENCY', 16);

type Side = 'api' | 'start' | 'updateWithStart';
const sides: Side[] = ['api', 'start', 'updateWithStart'];
const labels: Record<Side, string> = {
  api: 'API POST /hazards',
  start: 'raw workflow.start',
  updateWithStart: 'raw update-with-start',
};

interface Batch {
  side: Side;
  round: number;
  perSecond: number;
  p50: number;
  p99: number;
  failed: number;
  /** Until the worker had recorded every case of the batch. */
  settledMs: number;
  cpu: ReturnType<typeof cpuUsed>;
}

const lastCaseNos = new Map<Side, string[]>();

let system: BenchSystem | null = null;

async function main(): Promise<void> {
  const policy = defaultPolicy();
  const sys = (system = new BenchSystem({ name: 'open', policy }));
  await sys.start();
  const token = await sys.token();
  let opened = 0;

  const runBatch = async (side: Side, roundNo: number): Promise<Batch> => {
    const caseNos = side === 'api' ? [] : await allocateCaseNos(sys, COUNT);
    const task = (i: number): Promise<Timed<string>> => {
      if (side === 'api') return openViaApi(sys, token, caseBody(undefined, i));
      const input = workflowInput(caseNos[i]!, policy, i);
      return side === 'start' ? rawStart(sys, input) : rawStartAndWait(sys, input);
    };
    const before = await sys.cpu();
    const started = performance.now();
    const { results, wallMs } = await closedLoop(COUNT, CONCURRENCY, task);
    const ok = results.filter((r) => r.ok);
    opened += ok.length;
    const failures = results.filter((r) => !r.ok);
    if (failures.length) say(`${side}: ${failures.length} failed, e.g. ${failures[0]!.error}`);
    // the next batch starts on a drained worker, so no side pays for another's backlog
    await waitForRows(sys, opened);
    const cpu = cpuUsed(before, await sys.cpu());
    lastCaseNos.set(
      side,
      ok.map((r) => r.value!),
    );
    const latencies = ok.map((r) => r.ms);
    return {
      side,
      round: roundNo,
      perSecond: (ok.length / wallMs) * 1000,
      p50: quantile(latencies, 0.5),
      p99: quantile(latencies, 0.99),
      failed: failures.length,
      settledMs: performance.now() - started,
      cpu,
    };
  };

  // warm-up: connections, JIT, the worker's workflow cache
  for (const side of sides) await runBatch(side, 0);

  const batches: Batch[] = [];
  for (let r = 1; r <= ROUNDS; r++) {
    const order = r % 2 === 1 ? sides : [...sides].reverse();
    for (const side of order) {
      const batch = await runBatch(side, r);
      batches.push(batch);
      say(
        `round ${r} ${side}: ${round(batch.perSecond)}/s, p50 ${round(batch.p50)} ms, ` +
          `p99 ${round(batch.p99)} ms, settled in ${round(batch.settledMs / 1000)} s`,
      );
    }
    await sleep(500);
  }

  const bySide = (side: Side) => batches.filter((b) => b.side === side);
  const ratioPerRound = (side: Side, pick: (b: Batch) => number) =>
    median(
      bySide('api').map(
        (api) => pick(api) / pick(bySide(side).find((b) => b.round === api.round)!),
      ),
    );
  const rows = sides.map((side) => [
    labels[side],
    round(median(bySide(side).map((b) => b.perSecond))),
    round(median(bySide(side).map((b) => b.p50))),
    round(median(bySide(side).map((b) => b.p99))),
    round(median(bySide(side).map((b) => (COUNT / b.settledMs) * 1000))),
    bySide(side).reduce((n, b) => n + b.failed, 0),
  ]);
  // where the time of one opening goes, from the histories of the last batch's cases
  const sample = (side: Side) => (lastCaseNos.get(side) ?? []).slice(0, 50);
  const [apiGaps, rawGaps] = [
    await historyGaps(sys, sample('api')),
    await historyGaps(sys, sample('start')),
  ];

  await publish('bench-open', {
    parameters: {
      casesPerBatch: COUNT,
      rounds: ROUNDS,
      concurrency: CONCURRENCY,
      policy: policy.version,
    },
    tables: [
      {
        title: `Opening cases: ${ROUNDS} interleaved rounds of ${COUNT} per side, ${CONCURRENCY} in flight; medians`,
        columns: ['path', 'cases/s', 'p50 ms', 'p99 ms', 'recorded/s', 'failed'],
        rows,
      },
      {
        title: 'API against raw (median of per-round ratios)',
        columns: ['against', 'throughput ratio', 'p50 ratio', 'p99 ratio'],
        rows: (['start', 'updateWithStart'] as Side[]).map((side) => [
          labels[side],
          round(
            ratioPerRound(side, (b) => b.perSecond),
            3,
          ),
          round(
            ratioPerRound(side, (b) => b.p50),
            2,
          ),
          round(
            ratioPerRound(side, (b) => b.p99),
            2,
          ),
        ]),
      },
      {
        title: 'CPU per case until recorded (ms), last round',
        columns: ['part', ...sides.map((side) => labels[side])],
        rows: (batches.at(-1)?.cpu.parts ?? []).map(({ part }) => [
          part,
          ...sides.map((side) => {
            const batch = bySide(side).at(-1);
            const used = batch?.cpu.parts.find((p) => p.part === part)?.cpuSeconds ?? 0;
            return round((used * 1000) / COUNT, 2);
          }),
        ]),
      },
      {
        title: "Where an opened case's time goes: median gap between history events (ms), 50 cases",
        columns: ['step', 'API-opened', 'raw-started'],
        rows: apiGaps.map((gap) => [
          gap.step,
          gap.medianMs,
          rawGaps.find((raw) => raw.step === gap.step)?.medianMs ?? null,
        ]),
      },
    ],
    details: { batches, apiGaps, rawGaps },
  });
}

async function waitForRows(sys: BenchSystem, count: number): Promise<void> {
  const deadline = Date.now() + 300_000;
  for (;;) {
    const { rows } = await sys.pool.query<{ n: string }>('select count(*) as n from hazard_case');
    if (Number(rows[0]!.n) >= count) return;
    if (Date.now() > deadline) throw new Error(`only ${rows[0]!.n} of ${count} cases recorded`);
    await sleep(100);
  }
}

runMain(main, async () => {
  await system?.stop();
  await removeBundle();
});
