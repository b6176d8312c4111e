// Fault drills: each breaks one part of its own system and counts what was lost and doubled.
import { hazardWorkflowId } from '../contracts/hazard';
import { drillPolicy, DRILL_LADDER_MS } from './lib/policies';
import { envInt, publish, quantile, round, runMain, say, sleep, Table } from './lib/report';
import { awaitStorm, openStorm } from './lib/storm';
import { openSteadily, tallyLadders, waitForLadders, Tally } from './lib/ladder-check';
import { BenchSystem, removeBundle } from './lib/system';

const STORM_N = envInt('BENCH_DRILL_STORM_N', 500);
const KILLS = envInt('BENCH_DRILL_KILLS', 3);
const TEMPORAL_OUTAGE_S = envInt('BENCH_DRILL_TEMPORAL_OUTAGE_S', 20);
const PG_OUTAGE_S = envInt('BENCH_DRILL_PG_OUTAGE_S', 20);
const SMTP_OUTAGE_S = envInt('BENCH_DRILL_SMTP_OUTAGE_S', 30);

interface DrillResult {
  drill: string;
  lost: number;
  /** Records (events) written twice. */
  doubled: number;
  /** Emails received more than once: the resend window, each copy with the same Message-ID. */
  resent: number;
  facts: string;
  ok: boolean;
  details: Record<string, unknown>;
}

let current: BenchSystem | null = null;

async function withSystem<T>(
  options: ConstructorParameters<typeof BenchSystem>[0],
  run: (system: BenchSystem) => Promise<T>,
): Promise<T> {
  const system = (current = new BenchSystem(options));
  try {
    await system.start();
    return await run(system);
  } finally {
    await system.stop();
    current = null;
  }
}

/** 1. The worker SIGKILLed several times while a timer storm is being sent, and restarted. */
function workerKills(): Promise<DrillResult> {
  return withSystem({ name: 'drill-kill', policy: drillPolicy }, async (system) => {
    const storm = await openStorm(system, STORM_N, { openRate: 15 });
    const kills: number[] = [];
    const outcome = await awaitStorm(system, storm, {
      timeoutMs: 180_000,
      during: async () => {
        // each kill lands while emails are flowing: after a further share of them has arrived
        const arrived = () =>
          system.mail.received.filter((m) => storm.expected.has(m.messageId)).length;
        for (let k = 0; k < KILLS; k++) {
          const mark = Math.floor(((k + 1) * STORM_N) / (KILLS + 2));
          while (arrived() < mark && Date.now() < storm.stormAt + 120_000) await sleep(20);
          kills.push(Date.now() - storm.stormAt);
          await system.worker.kill();
          say(`drill: worker killed with ${arrived()} of ${STORM_N} emails in, restarting`);
          await sleep(1_000);
          await system.worker.start();
        }
      },
    });
    const { rows } = await system.pool.query<{ n: string; dup: string }>(
      `select count(distinct case_no) as n, count(*) - count(distinct case_no) as dup
       from case_event where type = 'escalated' and rung = 0 and case_no = any($1)`,
      [storm.caseNos],
    );
    const copies = resendWindow(
      system,
      storm.expected,
      kills.map((k) => storm.stormAt + k),
    );
    const eventsLost = STORM_N - Number(rows[0]!.n);
    const eventsDoubled = Number(rows[0]!.dup);
    return {
      drill: `worker SIGKILLed ${KILLS}× during a storm of ${STORM_N} rungs`,
      lost: outcome.lost + eventsLost,
      doubled: eventsDoubled,
      resent: outcome.doubled,
      facts:
        `kills at +${kills.map((k) => round(k / 1000, 1)).join(', +')} s; ` +
        `last email +${round(outcome.lastMs / 1000, 1)} s after the instant` +
        (copies.beforeKillMs.length
          ? `; each resent email's first copy reached SMTP ${Math.min(...copies.beforeKillMs)}–` +
            `${Math.max(...copies.beforeKillMs)} ms before a kill`
          : ''),
      ok: outcome.lost + eventsLost + eventsDoubled + outcome.doubled === 0,
      details: { ...outcome, lateness: undefined, kills, eventsLost, eventsDoubled, copies },
    };
  });
}

/**
 * For each email that arrived twice: how long before the next kill its first copy reached the
 * SMTP sink. That is the window in which a death makes the retry send again: the SMTP server
 * has the message, the worker has not yet committed the ledger's mark.
 */
function resendWindow(system: BenchSystem, expected: Map<string, string>, killsAt: number[]) {
  const first = new Map<string, number>();
  const beforeKillMs: number[] = [];
  for (const mail of system.mail.received) {
    if (!expected.has(mail.messageId)) continue;
    const at = first.get(mail.messageId);
    if (at === undefined) {
      first.set(mail.messageId, mail.at);
      continue;
    }
    const kill = killsAt.find((k) => k >= at);
    if (kill !== undefined) beforeKillMs.push(kill - at);
  }
  return { beforeKillMs: beforeKillMs.sort((a, b) => a - b) };
}

/** 2. The Temporal dev server (state in a file) stopped and restarted while timers are pending. */
function temporalRestart(): Promise<DrillResult> {
  return withSystem(
    { name: 'drill-temporal', policy: drillPolicy, temporalFile: true },
    async (system) => {
      const opened = await openSteadily(system, { perSecond: 10, seconds: 6 });
      const caseNos = opened.filter((r) => r.status === 201).map((r) => r.caseNo!);
      const firstAt = Math.min(...opened.map((r) => r.at));
      // down from just before the first rungs fall due until most of the ladders are due
      await sleep(firstAt + 26_000 - Date.now());
      const downAt = Date.now();
      await system.stopTemporal();
      say(`drill: Temporal stopped, ${system.mail.received.length} emails so far`);
      await sleep(TEMPORAL_OUTAGE_S * 1000);
      await system.startTemporal();
      const upAt = Date.now();
      say('drill: Temporal restarted');
      await waitForLadders(system, caseNos, Date.now() + DRILL_LADDER_MS + 120_000);
      await sleep(3_000);
      const tally = await tallyLadders(system, caseNos);
      const dueInOutage = tally.lateness.filter((l) => l.dueAt >= downAt && l.dueAt < upAt);
      const late = tally.lateness.map((l) => l.at - l.dueAt);
      const beyondOutage = tally.lateness.map((l) => l.at - Math.max(l.dueAt, upAt));
      const worst = Math.max(...late);
      return ladderResult(
        `Temporal dev server down ${TEMPORAL_OUTAGE_S} s with timers pending (${caseNos.length} cases)`,
        tally,
        `${dueInOutage.length} rungs fell due in the outage; latest ${round(worst / 1000, 1)} s ` +
          `after due (bound ${TEMPORAL_OUTAGE_S} s + a few); at most ` +
          `${round(Math.max(...beyondOutage) / 1000, 1)} s after the restart`,
        worst <= (TEMPORAL_OUTAGE_S + 10) * 1000,
        { downAt, upAt, p50LateMs: quantile(late, 0.5), maxLateMs: worst },
      );
    },
  );
}

/** 3. PostgreSQL stopped for a while mid-run: 503 problems meanwhile, nothing lost after. */
function postgresOutage(): Promise<DrillResult> {
  return withSystem(
    { name: 'drill-pg', policy: drillPolicy, database: 'embedded' },
    async (system) => {
      const started = Date.now();
      const outage = (async () => {
        await sleep(15_000);
        const downAt = Date.now();
        await system.stopPostgres();
        say('drill: PostgreSQL stopped');
        await sleep(PG_OUTAGE_S * 1000);
        await system.startPostgres();
        say('drill: PostgreSQL started again');
        return { downAt, upAt: Date.now() };
      })();
      const probes = probeReads(system, started + 15_000 + PG_OUTAGE_S * 1000 + 5_000);
      const opened = await openSteadily(system, { perSecond: 4, seconds: 15 + PG_OUTAGE_S + 10 });
      const { downAt, upAt } = await outage;
      const reads = await probes;

      // every workflow the system started, whatever its client was told, must be on the record
      const caseNos: string[] = [];
      for await (const wf of system.client.workflow.list({
        query: `WorkflowType = 'hazardCase'`,
      })) {
        caseNos.push(wf.workflowId.replace(/^hazard\//, ''));
      }
      await waitForLadders(system, caseNos, Date.now() + DRILL_LADDER_MS + 120_000);
      await sleep(3_000);
      const tally = await tallyLadders(system, caseNos);
      const during = [...opened, ...reads].filter((r) => r.at >= downAt + 1_000 && r.at < upAt);
      const statuses = countBy(during.map((r) => `${r.status}${r.problem ? ' problem' : ''}`));
      const created = opened.filter((r) => r.status === 201).map((r) => r.caseNo!);
      const answeredWithout = caseNos.filter((c) => !created.includes(c)).length;
      const all503 = during.length > 0 && during.every((r) => r.status === 503 && r.problem);
      return ladderResult(
        `PostgreSQL stopped ${PG_OUTAGE_S} s mid-run (${caseNos.length} cases)`,
        tally,
        `answers while down: ${JSON.stringify(statuses)}; ${created.length} opened with 201, ` +
          `${answeredWithout} more started by an answer that was not 201`,
        all503,
        {
          downAt,
          upAt,
          statuses,
          opened: opened.length,
          hazardIds: caseNos.map(hazardWorkflowId).length,
        },
      );
    },
  );
}

/** GET /hazards and /readyz once a second, for the answers during an outage. */
async function probeReads(system: BenchSystem, until: number) {
  const token = await system.token();
  const answers: { at: number; status: number; problem: boolean }[] = [];
  while (Date.now() < until) {
    for (const path of ['/api/v1/hazards?limit=5', '/readyz']) {
      const at = Date.now();
      try {
        const response = await fetch(`${system.apiUrl}${path}`, {
          headers: { authorization: `Bearer ${token}` },
          signal: AbortSignal.timeout(15_000),
        });
        await response.arrayBuffer();
        const type = response.headers.get('content-type') ?? '';
        answers.push({
          at,
          status: response.status,
          problem: type.startsWith('application/problem+json'),
        });
      } catch {
        answers.push({ at, status: -1, problem: false });
      }
    }
    await sleep(1_000);
  }
  return answers;
}

/** 4. The SMTP server down for a while as the ladders fall due: every email once, after. */
function smtpOutage(): Promise<DrillResult> {
  return withSystem({ name: 'drill-smtp', policy: drillPolicy }, async (system) => {
    const opened = await openSteadily(system, { perSecond: 10, seconds: 4 });
    const caseNos = opened.filter((r) => r.status === 201).map((r) => r.caseNo!);
    const firstAt = Math.min(...opened.map((r) => r.at));
    await sleep(firstAt + 28_000 - Date.now());
    const downAt = Date.now();
    await system.mail.down();
    say('drill: SMTP down');
    await sleep(SMTP_OUTAGE_S * 1000);
    await system.mail.up();
    const upAt = Date.now();
    say('drill: SMTP up');
    await waitForLadders(system, caseNos, Date.now() + DRILL_LADDER_MS + 120_000);
    await sleep(3_000);
    const tally = await tallyLadders(system, caseNos);
    const afterUp = tally.lateness.filter((l) => l.at >= upAt).map((l) => l.at - upAt);
    const dueInOutage = tally.lateness.filter((l) => l.dueAt >= downAt && l.dueAt < upAt).length;
    return ladderResult(
      `SMTP down ${SMTP_OUTAGE_S} s as ladders fall due (${caseNos.length} cases)`,
      tally,
      `${dueInOutage} emails fell due in the outage; the last arrived ` +
        `${round(Math.max(0, ...afterUp) / 1000, 1)} s after SMTP was back (retry backoff ≤ 30 s)`,
      true,
      { downAt, upAt },
    );
  });
}

function ladderResult(
  drill: string,
  tally: Tally,
  facts: string,
  ok: boolean,
  details: Record<string, unknown>,
): DrillResult {
  const lost = tally.emailsLost + tally.eventsLost + tally.casesMissing;
  const doubled = tally.eventsDoubled;
  return {
    drill,
    lost,
    doubled,
    resent: tally.emailsDoubled,
    facts: `${tally.emailsExpected} emails, ${tally.eventsExpected} events expected; ${facts}`,
    ok: ok && lost === 0 && doubled === 0 && tally.emailsDoubled === 0,
    details: { ...details, ...tally, lateness: undefined },
  };
}

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}

const drills: Record<string, () => Promise<DrillResult>> = {
  'worker-kill': workerKills,
  'temporal-restart': temporalRestart,
  'postgres-outage': postgresOutage,
  'smtp-outage': smtpOutage,
};

async function main(): Promise<void> {
  const names = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(drills);
  const results: DrillResult[] = [];
  for (const name of names) {
    const drill = drills[name];
    if (!drill) throw new Error(`no drill ${name}; there are ${Object.keys(drills).join(', ')}`);
    say(`drill ${name}`);
    const result = await drill();
    say(`drill ${name}: lost ${result.lost}, doubled ${result.doubled}, resent ${result.resent}`);
    results.push(result);
  }
  const table: Table = {
    title:
      'Fault drills: what was lost and what was doubled (all must be 0); ' +
      'a doubled email is a resend with the same Message-ID',
    columns: ['drill', 'lost', 'doubled records', 'doubled emails', 'pass', 'what happened'],
    rows: results.map((r) => [r.drill, r.lost, r.doubled, r.resent, r.ok ? 'yes' : 'NO', r.facts]),
  };
  await publish(
    names.length === Object.keys(drills).length ? 'drills' : `drills-${names.join('-')}`,
    {
      parameters: {
        stormN: STORM_N,
        kills: KILLS,
        temporalOutageS: TEMPORAL_OUTAGE_S,
        postgresOutageS: PG_OUTAGE_S,
        smtpOutageS: SMTP_OUTAGE_S,
      },
      tables: [table],
      details: results.map(({ drill, details }) => ({ drill, ...details })),
    },
  );
  if (results.some((r) => !r.ok)) process.exitCode = 1;
}

runMain(main, async () => {
  await current?.stop();
  await removeBundle();
});
