import type { Actor } from '../../domain/hazard';
import { actorAs } from './api';
import { command, enterpriseUser, inspector, json, openCase, uploadPhoto } from './cases';
import type { TestSystem } from './system';

export const committeeOffice = actorAs('committee_office', { departmentId: 'awb' });
export const anke = actorAs('assessor', { assessorId: 'anke' });
export const huaan = actorAs('assessor', { assessorId: 'huaan' });
export const grading = {
  standard: '危险化学品企业重大危险源判定标准',
  edition: '2023',
  item: '第三条第（二）项',
};

export const planBody = (deadline: number) => ({
  goalAndTasks: '消除储罐区泄漏风险',
  methodsAndMeasures: '更换腐蚀管线，加装泄漏报警',
  fundingAndMaterials: '专项资金 80 万元，管材已采购',
  responsibleBodyAndPeople: '设备部，负责人 李安全',
  timeLimit: { deadline: new Date(deadline).toISOString(), requirements: '完工后试压' },
  safetyMeasuresAndEmergencyPlan: '作业期间停用二号罐区，现场配备应急器材',
});

export async function uploadReport(system: TestSystem, actor: Actor, caseNo: string, seed: string) {
  const form = new FormData();
  form.set('kind', 'assessment_report');
  const pdf = Buffer.from(`%PDF-1.7\n评估报告 ${seed}`);
  form.set('file', new Blob([pdf], { type: 'application/pdf' }), '评估报告.pdf');
  const response = await system.call(actor, 'POST', `/api/v1/hazards/${caseNo}/evidence`, form);
  return json<{ id: string }>(response, 201);
}

export async function signOff(
  system: TestSystem,
  actor: Actor,
  assessmentId: string,
  body: object,
  status = 200,
) {
  const url = `/api/v1/assessments/${assessmentId}/sign-off`;
  return json(await system.call(actor, 'POST', url, body), status);
}

/**
 * A major case from registration to closure: a stop order, a failed assessment, a reassigned
 * one and a pass. Returns the case number; its assessments are -A1 (failed), -A2 (withdrawn)
 * and -A3 (passed).
 */
export async function runMajorCase(system: TestSystem): Promise<string> {
  const owner = enterpriseUser();
  const { caseNo } = await openCase(system, { level: 'major', grading });
  const signature = { signatory: '王建国', signature: '王建国' };
  await command(system, owner, caseNo, 'confirmation', signature);
  await command(system, inspector, caseNo, 'stop-order', {
    scope: 'whole',
    description: '全厂停产',
  });
  await command(system, owner, caseNo, 'plan', planBody(Date.now() + 60_000));
  await command(system, inspector, caseNo, 'plan-review', { accepted: true, reasons: '同意' });
  for (const [round, bodies] of [
    [1, ['anke']],
    [2, ['anke', 'huaan']],
  ] as const) {
    const photo = await uploadPhoto(system, owner, caseNo, `${caseNo}-${round}`);
    await command(system, owner, caseNo, 'rectification-report', {
      summary: '已整改',
      evidenceIds: [photo.id],
    });
    for (const bodyId of bodies) await command(system, inspector, caseNo, 'assessor', { bodyId });
    const assessor = bodies.at(-1) === 'anke' ? anke : huaan;
    const report = await uploadReport(system, assessor, caseNo, `${caseNo}-${round}`);
    const assessmentId = `${caseNo}-A${round === 1 ? 1 : 3}`;
    await signOff(system, assessor, assessmentId, {
      passed: round === 2,
      findings: round === 2 ? '合格' : '不合格',
      reportEvidenceId: report.id,
    });
  }
  await command(system, committeeOffice, caseNo, 'closure', { comment: '同意销号' });
  return caseNo;
}
