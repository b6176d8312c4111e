// Timer storm: N cases whose first rung falls due at one instant, against raw nodemailer
// sending N messages to the same sink.
import nodemailer from 'nodemailer';
import { composeEscalation } from '../domain/escalation-mail';
import { cpuUsed } from './lib/cpu';
import { historyGaps } from './lib/history';
import { defaultPolicy } from './lib/policies';
import { envInt, median, publish, quantile, round, runMain, say, sleep } from './lib/report';
import { awaitStorm, openStorm, StormOutcome } from './lib/storm';
import { BenchSystem, MAIL_FROM, removeBundle } from './lib/system';

const N = envInt('BENCH_STORM_N', 2000);
const ROUNDS = envInt('BENCH_STORM_ROUNDS', 3);
/** The worker's default: at most 100 activities at once, so 100 SMTP sends in flight. */
const RAW_CONCURRENCY = envInt('BENCH_STORM_RAW_CONCURRENCY', 100);
const OPEN_RATE = envInt('BENCH_STORM_OPEN_RATE', 12);

let system: BenchSystem | null = null;

interface Round {
  round: number;
  system: Omit<StormOutcome, 'lateness'> & { lateness?: undefined };
  raw: RawOutcome;
  pooled: RawOutcome;
  cpu: ReturnType<typeof cpuUsed>;
}

interface RawOutcome {
  lastMs: number;
  p50Ms: number;
  p99Ms: number;
  lost: number;
  doubled: number;
}

async function main(): Promise<void> {
  const sys = (system = new BenchSystem({ name: 'storm', policy: defaultPolicy() }));
  await sys.start();
  const rounds: Round[] = [];
  let lastStorm: Awaited<ReturnType<typeof openStorm>> | null = null;

  for (let r = 1; r <= ROUNDS; r++) {
    const storm = await openStorm(sys, N, { openRate: OPEN_RATE });
    await sleep(storm.stormAt - Date.now() - 500);
    const before = await sys.cpu();
    let after = before;
    const outcome = await awaitStorm(sys, storm, {
      onAllReceived: async () => {
        after = await sys.cpu();
      },
    });
    lastStorm = storm;
    const figures: Round['system'] = { ...outcome, lateness: undefined };
    say(
      `round ${r} storm: last ${outcome.lastMs} ms, p50 ${outcome.p50Ms} ms, ` +
        `lost ${outcome.lost}, doubled ${outcome.doubled}`,
    );
    const raw = await rawSend(sys, N, `${r}`, false);
    const pooled = await rawSend(sys, N, `${r}p`, true);
    say(
      `round ${r} raw nodemailer: last ${round(raw.lastMs)} ms, pooled ${round(pooled.lastMs)} ms`,
    );
    rounds.push({ round: r, system: figures, raw, pooled, cpu: cpuUsed(before, after) });
    await sleep(1000);
  }

  const ratio = (pick: (x: { lastMs: number; p50Ms: number; p99Ms: number }) => number) =>
    round(median(rounds.map((r) => pick(r.system) / pick(r.raw))), 2);
  const last = lastStorm;
  const gaps = last
    ? await historyGaps(sys, last.caseNos.slice(0, 50), {
        startAt: 'timerFired',
        limit: 8,
        from: () => last.stormAt,
      })
    : [];
  const sum = (pick: (r: Round) => number) => rounds.reduce((n, r) => n + pick(r), 0);
  const rawRow = (label: string, pick: (r: Round) => RawOutcome) => [
    label,
    round(median(rounds.map((r) => pick(r).lastMs))),
    round(median(rounds.map((r) => pick(r).p50Ms))),
    round(median(rounds.map((r) => pick(r).p99Ms))),
    round(median(rounds.map((r) => (N / pick(r).lastMs) * 1000))),
    sum((r) => pick(r).lost),
    sum((r) => pick(r).doubled),
  ];
  await publish('bench-storm', {
    parameters: { n: N, rounds: ROUNDS, rawConcurrency: RAW_CONCURRENCY },
    tables: [
      {
        title: `Timer storm: ${N} first rungs due at one instant, ${ROUNDS} interleaved rounds; medians`,
        columns: [
          'path',
          'to last email ms',
          'p50 late ms',
          'p99 late ms',
          'emails/s',
          'lost',
          'doubled',
        ],
        rows: [
          [
            'system (timer → activity → email)',
            round(median(rounds.map((r) => r.system.lastMs))),
            round(median(rounds.map((r) => r.system.p50Ms))),
            round(median(rounds.map((r) => r.system.p99Ms))),
            round(median(rounds.map((r) => (N / r.system.lastMs) * 1000))),
            sum((r) => r.system.lost),
            sum((r) => r.system.doubled),
          ],
          rawRow(`raw nodemailer, ${RAW_CONCURRENCY} in flight`, (r) => r.raw),
          rawRow(`raw nodemailer, pooled, ${RAW_CONCURRENCY} in flight`, (r) => r.pooled),
        ],
      },
      {
        title: 'CPU used during the storm (instant to last email), last round',
        columns: ['part', 'CPU s', 'CPU ms per email'],
        rows: (rounds[rounds.length - 1]?.cpu.parts ?? []).map((p) => [
          p.part,
          p.cpuSeconds,
          round((p.cpuSeconds * 1000) / N, 2),
        ]),
      },
      {
        title: 'System against raw (median of per-round ratios)',
        columns: ['to last email', 'p50 lateness', 'p99 lateness'],
        rows: [[ratio((x) => x.lastMs), ratio((x) => x.p50Ms), ratio((x) => x.p99Ms)]],
      },
      {
        title:
          "Where a storm rung's time goes: median gap between history events (ms), 50 cases of the last round",
        columns: ['step', 'median ms'],
        rows: gaps.map((gap) => [gap.step, gap.medianMs]),
      },
    ],
    details: { rounds, gaps },
  });
}

/** N messages like the rung's own, through a transport made as the product makes it. */
async function rawSend(sys: BenchSystem, n: number, r: string, pool: boolean): Promise<RawOutcome> {
  const transport = pool
    ? nodemailer.createTransport({ url: sys.mail.url, pool: true, maxConnections: 5 })
    : nodemailer.createTransport(sys.mail.url);
  const mail = composeEscalation({
    caseNo: 'YH-2026-000000',
    title: '储罐区可燃气体报警器失效',
    location: '二号储罐区',
    enterpriseName: '东岭化工有限公司',
    responsibleName: '王建国',
    responsibleEmail: 'wangjg@dongling-chem.example',
    departmentName: '县应急管理局',
    step: 'confirmation',
    round: 1,
    deadline: Date.now() + 86_400_000,
    rung: 0,
    now: Date.now(),
    caseUrl: 'http://cases.bench.test/cases/YH-2026-000000',
  });
  const ids = Array.from({ length: n }, (_, i) => `<raw-${r}-${i}@bench.test>`);
  const expected = new Set(ids);
  const started = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: RAW_CONCURRENCY }, async () => {
      while (next < n) {
        const messageId = ids[next++]!;
        await transport.sendMail({
          from: MAIL_FROM,
          to: 'duban@yjj.county.example',
          subject: mail.subject,
          text: mail.text,
          messageId,
        });
      }
    }),
  );
  transport.close();
  await sleep(500);
  const arrivals = new Map<string, number>();
  let doubled = 0;
  for (const m of sys.mail.received) {
    if (!expected.has(m.messageId)) continue;
    if (arrivals.has(m.messageId)) doubled += 1;
    else arrivals.set(m.messageId, m.at - started);
  }
  const late = [...arrivals.values()];
  return {
    lastMs: Math.max(...late),
    p50Ms: quantile(late, 0.5),
    p99Ms: quantile(late, 0.99),
    lost: n - arrivals.size,
    doubled,
  };
}

runMain(main, async () => {
  await system?.stop();
  await removeBundle();
});
