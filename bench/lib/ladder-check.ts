import { demoEnterprises } from '../../db/seed';
import { caseBody, expectedMessageId, openViaApi, Timed } from './cases';
import { sleep } from './report';
import type { BenchSystem } from './system';

const chemicals = demoEnterprises[0]!;
const STEP_KEY = 'confirmation-1.0';

/** Who receives each rung of drillPolicy for the bench's enterprise. */
export const rungRecipients: Record<number, string[]> = {
  0: [chemicals.responsible[1], chemicals.manager[1]],
  1: ['duban@yjj.county.example'],
  2: ['awb@county.example'],
  3: ['awh@county.example'],
  4: ['dcs@county.example'],
};

export interface ExpectedMail {
  caseNo: string;
  rung: number;
}

export function expectedLadderMail(caseNos: string[]): Map<string, ExpectedMail> {
  const expected = new Map<string, ExpectedMail>();
  for (const caseNo of caseNos) {
    for (const [rung, recipients] of Object.entries(rungRecipients)) {
      for (const recipient of recipients) {
        expected.set(expectedMessageId(caseNo, STEP_KEY, Number(rung), recipient), {
          caseNo,
          rung: Number(rung),
        });
      }
    }
  }
  return expected;
}

export interface Tally {
  cases: number;
  emailsExpected: number;
  emailsLost: number;
  /** Copies of a Message-ID beyond the first: the documented resend window. */
  emailsDoubled: number;
  eventsExpected: number;
  eventsLost: number;
  eventsDoubled: number;
  casesMissing: number;
  /** Per email: arrival minus its rung's due time (the escalated event's occurred_at). */
  lateness: { messageId: string; dueAt: number; at: number }[];
}

/** Counts what each case should have: its row, 'registered' and 5 'escalated' events, 6 emails. */
export async function tallyLadders(system: BenchSystem, caseNos: string[]): Promise<Tally> {
  const expected = expectedLadderMail(caseNos);
  const first = new Map<string, number>();
  let doubled = 0;
  for (const mail of system.mail.received) {
    if (!expected.has(mail.messageId)) continue;
    if (first.has(mail.messageId)) doubled += 1;
    else first.set(mail.messageId, mail.at);
  }

  const { rows: cases } = await system.pool.query<{ case_no: string }>(
    'select case_no from hazard_case where case_no = any($1)',
    [caseNos],
  );
  const { rows: events } = await system.pool.query<{
    case_no: string;
    type: string;
    rung: number | null;
    n: string;
    occurred_at: Date;
  }>(
    `select case_no, type, rung, count(*) as n, min(occurred_at) as occurred_at from case_event
     where case_no = any($1) group by case_no, type, rung`,
    [caseNos],
  );
  const key = (caseNo: string, type: string, rung: number | null) => `${caseNo}|${type}|${rung}`;
  const found = new Map(events.map((e) => [key(e.case_no, e.type, e.rung), e]));
  let eventsLost = 0;
  let eventsDoubled = 0;
  for (const caseNo of caseNos) {
    const wanted = [
      key(caseNo, 'registered', null),
      ...[0, 1, 2, 3, 4].map((r) => key(caseNo, 'escalated', r)),
    ];
    for (const k of wanted) {
      const event = found.get(k);
      if (!event) eventsLost += 1;
      else eventsDoubled += Number(event.n) - 1;
    }
  }
  const lateness = [...first.entries()].map(([messageId, at]) => {
    const { caseNo, rung } = expected.get(messageId)!;
    const dueAt = found.get(key(caseNo, 'escalated', rung))?.occurred_at.getTime() ?? Number.NaN;
    return { messageId, dueAt, at };
  });
  return {
    cases: caseNos.length,
    emailsExpected: expected.size,
    emailsLost: expected.size - first.size,
    emailsDoubled: doubled,
    eventsExpected: caseNos.length * 6,
    eventsLost,
    eventsDoubled,
    casesMissing: caseNos.length - cases.length,
    lateness,
  };
}

/** Waits until every expected email has arrived, or the deadline. */
export async function waitForLadders(system: BenchSystem, caseNos: string[], deadline: number) {
  const expected = expectedLadderMail(caseNos);
  for (;;) {
    const got = new Set(
      system.mail.received.filter((m) => expected.has(m.messageId)).map((m) => m.messageId),
    );
    if (got.size >= expected.size || Date.now() > deadline) return got.size;
    await sleep(500);
  }
}

export interface Response {
  at: number;
  status: number;
  problem: boolean;
  caseNo?: string;
  ms: number;
}

/** Opens cases at a steady rate for a while, keeping every answer. */
export async function openSteadily(
  system: BenchSystem,
  opts: { perSecond: number; seconds: number; timeoutMs?: number },
): Promise<Response[]> {
  const token = await system.token();
  const responses: Response[] = [];
  const pending: Promise<void>[] = [];
  const total = Math.round(opts.perSecond * opts.seconds);
  const started = Date.now();
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / opts.perSecond;
    if (due > Date.now()) await sleep(due - Date.now());
    const at = Date.now();
    pending.push(
      timedOpen(system, token, i, opts.timeoutMs ?? 60_000).then((r) => {
        responses.push({
          at,
          status: r.status,
          problem: r.type?.startsWith('application/problem+json') ?? false,
          caseNo: r.value,
          ms: r.ms,
        });
      }),
    );
  }
  await Promise.all(pending);
  return responses;
}

function timedOpen(
  system: BenchSystem,
  token: string,
  i: number,
  timeoutMs: number,
): Promise<Timed<string>> {
  return Promise.race([
    openViaApi(system, token, caseBody(chemicals.creditCode, i)),
    sleep(timeoutMs).then(() => ({
      ms: timeoutMs,
      ok: false,
      status: -1,
      error: 'client timeout',
    })),
  ]);
}
