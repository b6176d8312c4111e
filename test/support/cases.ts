import { demoEnterprises } from '../../db/seed';
import type { Actor } from '../../domain/hazard';
import { actors } from './builders';
import type { TestSystem } from './system';

/** The first demo enterprise, supervised by 县应急管理局 (yjj). */
export const chemicals = demoEnterprises[0]!.creditCode;
/** Another enterprise of the same department. */
export const textiles = demoEnterprises[1]!.creditCode;

export const inspector = actors.inspector('yjj');
export const otherInspector = actors.inspector('zjj');
export const enterpriseUser = (enterpriseId = chemicals): Actor => actors.enterprise(enterpriseId);

export interface CaseView {
  caseNo: string;
  enterpriseId: string;
  status: string;
  round: number;
  rung: number | null;
  step: { kind: string; round: number; deadline: string } | null;
  lateRegistration: boolean;
  timeline?: { type: string; rung: number | null; data: Record<string, unknown> }[];
  evidence?: { id: string }[];
}

export async function json<T = any>(response: Response, status: number): Promise<T> {
  const text = await response.text();
  if (response.status !== status) {
    throw new Error(`expected HTTP ${status}, got ${response.status}: ${text}`);
  }
  return JSON.parse(text) as T;
}

export async function openCase(
  system: TestSystem,
  overrides: Record<string, unknown> = {},
): Promise<CaseView> {
  const response = await system.call(inspector, 'POST', '/api/v1/hazards', {
    enterpriseId: chemicals,
    level: 'general',
    source: 'inspection',
    title: '储罐区可燃气体报警器失效',
    description: '二号储罐区两台可燃气体报警器无响应',
    location: '二号储罐区',
    foundAt: new Date().toISOString(),
    ...overrides,
  });
  return json<CaseView>(response, 201);
}

export async function command(
  system: TestSystem,
  actor: Actor,
  caseNo: string,
  path: string,
  body: unknown,
  status = 200,
): Promise<any> {
  return json(await system.call(actor, 'POST', `/api/v1/hazards/${caseNo}/${path}`, body), status);
}

export async function uploadPhoto(system: TestSystem, actor: Actor, caseNo: string, seed = 'a') {
  const form = new FormData();
  form.set('kind', 'photo_after');
  const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from(`photo-${seed}`)]);
  form.set('file', new Blob([jpeg], { type: 'image/jpeg' }), '整改后.jpg');
  return json<{ id: string; sha256: string }>(
    await system.call(actor, 'POST', `/api/v1/hazards/${caseNo}/evidence`, form),
    201,
  );
}

export async function getCase(
  system: TestSystem,
  caseNo: string,
  actor: Actor = inspector,
): Promise<CaseView> {
  return json<CaseView>(await system.call(actor, 'GET', `/api/v1/hazards/${caseNo}`), 200);
}
