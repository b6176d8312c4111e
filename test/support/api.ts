import { hazardWorkflowId } from '../../contracts/hazard';
import type { Actor, Role } from '../../domain/hazard';
import { CaseView, chemicals, json, openCase } from './cases';
import type { TestSystem } from './system';

/** An actor of any role; staff and enterprise users get the scope their tokens need. */
export function actorAs(
  role: Role,
  scope: { departmentId?: string; enterpriseId?: string; assessorId?: string } = {},
): Actor {
  return {
    id: `${role}-${scope.departmentId ?? scope.enterpriseId ?? scope.assessorId ?? 'county'}`,
    name: role,
    role,
    ...scope,
  };
}

export const committeeOffice = actorAs('committee_office', { departmentId: 'awb' });
export const admin = actorAs('admin');
export const publicUser = actorAs('public');
/** An assessor of a demo assessment body that no case here has been assigned to. */
export const assessor = actorAs('assessor', { assessorId: 'huaan' });

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance: string;
  requestId: string;
  errors?: { path: string; message: string }[];
}

/** Asserts that a response is an RFC 9457 problem document of the given status and type. */
export async function expectProblem(
  response: Response,
  status: number,
  slug: string,
): Promise<Problem> {
  const text = await response.text();
  if (response.status !== status) {
    throw new Error(`expected HTTP ${status}, got ${response.status}: ${text}`);
  }
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json\b/);
  const body = JSON.parse(text) as Problem;
  expect(body).toMatchObject({
    type: `/problems/${slug}`,
    title: expect.any(String),
    status,
    detail: expect.any(String),
    instance: expect.any(String),
    requestId: response.headers.get('x-request-id'),
  });
  return body;
}

const tables = [
  'hazard_case',
  'case_event',
  'evidence',
  'enterprise',
  'department',
  'idempotency_record',
] as const;

export type RowCounts = Record<(typeof tables)[number] | 'workflows', number>;

/**
 * How many rows each table holds, and how many workflows this system's task queue has seen.
 * The database is shared with other test files of the run, so compare counts, never totals.
 */
export async function rowCounts(system: TestSystem): Promise<RowCounts> {
  const columns = tables.map((table) => `(select count(*) from ${table})::int as ${table}`);
  const [row] = await system
    .em()
    .execute<Record<(typeof tables)[number], number>[]>(`select ${columns.join(', ')}`);
  const { count } = await system.api.deps.temporal.workflow.count(
    `TaskQueue = "${system.config.temporal.taskQueue}"`,
  );
  return { ...row!, workflows: count };
}

/** Runs a refused request and asserts that it wrote nothing anywhere and started no workflow. */
export async function expectNothingWritten<T>(
  system: TestSystem,
  act: () => Promise<T>,
): Promise<T> {
  const before = await rowCounts(system);
  const result = await act();
  expect(await rowCounts(system)).toEqual(before);
  return result;
}

/**
 * Waits until a case's workflow runs no activity: a reminder falling due at registration is
 * sent in the background, and its event must not land between two counts of a test.
 */
export async function settle(system: TestSystem, caseNo: string): Promise<void> {
  const handle = system.api.deps.temporal.workflow.getHandle(hazardWorkflowId(caseNo));
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const { raw } = await handle.describe();
    if ((raw.pendingActivities ?? []).length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`case ${caseNo} still runs an activity after 5 s`);
}

/** Opens a case and waits until its background work is done. */
export async function openSettled(
  system: TestSystem,
  overrides: Record<string, unknown> = {},
  actor?: Actor,
): Promise<CaseView> {
  const opened = actor
    ? await json<CaseView>(
        await system.call(actor, 'POST', '/api/v1/hazards', { ...openingBody(), ...overrides }),
        201,
      )
    : await openCase(system, overrides);
  await settle(system, opened.caseNo);
  return opened;
}

/** A valid body for POST /api/v1/hazards, for the demo enterprise unless overridden. */
export function openingBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    enterpriseId: chemicals,
    level: 'general',
    source: 'inspection',
    title: '配电箱未接地',
    description: '车间北侧配电箱外壳未接地',
    location: '一号车间',
    foundAt: new Date().toISOString(),
    ...overrides,
  };
}

/** Counts the events on one case's record. */
export async function eventCount(system: TestSystem, caseNo: string): Promise<number> {
  const [row] = await system
    .em()
    .execute<{ n: number }[]>('select count(*)::int as n from case_event where case_no = ?', [
      caseNo,
    ]);
  return row!.n;
}

/** A minimal JPEG: the signature bytes and some content to make it unique. */
export function jpeg(seed: string): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from(`photo-${seed}`)]);
}

export function evidenceForm(
  content: Buffer,
  type: string,
  name: string,
  kind = 'photo_after',
): FormData {
  const form = new FormData();
  form.set('kind', kind);
  form.set('file', new Blob([content], { type }), name);
  return form;
}
