import { WithStartWorkflowOperation } from '@temporalio/client';
import { messageIdFor } from '../../activities/mailer';
import { hazardWorkflowId, OpenHazardInput, openedUpdate } from '../../contracts/hazard';
import {
  CASE_NO,
  DEPARTMENT_ID,
  ENTERPRISE_ID,
  HAZARD_LEVEL,
  HAZARD_STATE,
} from '../../contracts/search-attributes';
import { demoEnterprises } from '../../db/seed';
import { countyDate } from '../../domain/county-time';
import type { Policy } from '../../domain/policy';
import { BenchSystem, inspector, MAIL_FROM } from './system';

/** The first demo enterprise, of 县应急管理局 (yjj), whose inspector opens the bench's cases. */
export const chemicals = demoEnterprises[0]!.creditCode;

export function caseBody(enterpriseId = chemicals, n = 0) {
  return {
    enterpriseId,
    level: 'general',
    source: 'inspection',
    title: `储罐区可燃气体报警器失效 #${n}`,
    description: '二号储罐区两台可燃气体报警器无响应，已通知企业停用相关区域',
    location: '二号储罐区',
    foundAt: new Date().toISOString(),
  };
}

export interface Timed<T> {
  ms: number;
  ok: boolean;
  status: number;
  value?: T;
  error?: string;
  /** The response's content type, to tell problem documents apart. */
  type?: string;
}

/** Opens one case through POST /api/v1/hazards. */
export async function openViaApi(
  system: BenchSystem,
  token: string,
  body: object,
): Promise<Timed<string>> {
  const started = performance.now();
  try {
    const response = await fetch(`${system.apiUrl}/api/v1/hazards`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    const ms = performance.now() - started;
    const type = response.headers.get('content-type') ?? '';
    if (response.status !== 201)
      return { ms, ok: false, status: response.status, error: text, type };
    return { ms, ok: true, status: 201, value: (JSON.parse(text) as { caseNo: string }).caseNo };
  } catch (err) {
    return { ms: performance.now() - started, ok: false, status: 0, error: (err as Error).message };
  }
}

/** The workflow input the API builds, for the raw path; case numbers are allocated ahead. */
export function workflowInput(caseNo: string, policy: Policy, n = 0): OpenHazardInput {
  const now = Date.now();
  return {
    caseNo,
    level: 'general',
    enterpriseId: chemicals,
    departmentId: 'yjj',
    title: `储罐区可燃气体报警器失效 #${n}`,
    description: '二号储罐区两台可燃气体报警器无响应，已通知企业停用相关区域',
    location: '二号储罐区',
    source: 'inspection',
    foundAt: now,
    registeredAt: now,
    openedBy: inspector,
    policy,
  };
}

function startOptions(system: BenchSystem, input: OpenHazardInput) {
  return {
    workflowId: hazardWorkflowId(input.caseNo),
    taskQueue: system.env.TEMPORAL_TASK_QUEUE ?? 'hazard-cases',
    args: [input] as [OpenHazardInput],
    typedSearchAttributes: [
      { key: CASE_NO, value: input.caseNo },
      { key: HAZARD_LEVEL, value: input.level },
      { key: HAZARD_STATE, value: 'registered' },
      { key: ENTERPRISE_ID, value: input.enterpriseId },
      { key: DEPARTMENT_ID, value: input.departmentId },
    ],
  };
}

/** Raw `client.workflow.start` of the same workflow: returns once the server has it. */
export async function rawStart(
  system: BenchSystem,
  input: OpenHazardInput,
): Promise<Timed<string>> {
  const started = performance.now();
  try {
    await system.client.workflow.start('hazardCase', startOptions(system, input));
    return { ms: performance.now() - started, ok: true, status: 201, value: input.caseNo };
  } catch (err) {
    return { ms: performance.now() - started, ok: false, status: 0, error: (err as Error).message };
  }
}

/** Update-with-start as the API does it: returns once the case is on the record. */
export async function rawStartAndWait(
  system: BenchSystem,
  input: OpenHazardInput,
): Promise<Timed<string>> {
  const started = performance.now();
  try {
    const startWorkflowOperation = new WithStartWorkflowOperation('hazardCase', {
      ...startOptions(system, input),
      workflowIdConflictPolicy: 'FAIL',
    });
    await system.client.workflow.executeUpdateWithStart(openedUpdate, { startWorkflowOperation });
    return { ms: performance.now() - started, ok: true, status: 201, value: input.caseNo };
  } catch (err) {
    return { ms: performance.now() - started, ok: false, status: 0, error: (err as Error).message };
  }
}

/** Case numbers from the API's own sequence, so raw cases never collide with API ones. */
export async function allocateCaseNos(system: BenchSystem, count: number): Promise<string[]> {
  const { rows } = await system.pool.query<{ n: string }>(
    "select nextval('hazard_case_no_seq') as n from generate_series(1, $1)",
    [count],
  );
  const year = countyDate(Date.now()).slice(0, 4);
  return rows.map((row) => `YH-${year}-${String(row.n).padStart(6, '0')}`);
}

/** Runs `count` tasks with at most `concurrency` in flight; returns results and wall time. */
export async function closedLoop<T>(
  count: number,
  concurrency: number,
  task: (i: number) => Promise<T>,
): Promise<{ results: T[]; wallMs: number }> {
  const results: T[] = new Array<T>(count);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await task(i);
      }
    }),
  );
  return { results, wallMs: performance.now() - started };
}

/** The Message-ID the ledger gives one rung's email to one recipient. */
export function expectedMessageId(
  caseNo: string,
  stepKey: string,
  rung: number,
  recipient: string,
): string {
  return messageIdFor(`${caseNo}/${stepKey}/rung-${rung}/${recipient}`, MAIL_FROM);
}
