import {
  anke,
  committeeOffice,
  grading,
  huaan,
  planBody as plan,
  signOff,
  uploadReport,
} from '../support/major';
import {
  command,
  enterpriseUser,
  getCase,
  inspector,
  json,
  openCase,
  uploadPhoto,
} from '../support/cases';
import { addressesOf, rungMail, sleep } from '../support/ladder';
import { startSystem, TestSystem } from '../support/system';

const owner = enterpriseUser();
/** Events other than rungs, which the ladders add on their own time. */
async function countEvents(system: TestSystem, caseNo: string): Promise<number> {
  const [row] = await system
    .em()
    .execute<{ n: string }[]>(
      "select count(*) as n from case_event where case_no = ? and type <> 'escalated'",
      [caseNo],
    );
  return Number(row!.n);
}

/** A major case confirmed, planned, rectified and handed to an assessor. */
async function caseUnderAssessment(
  system: TestSystem,
  body = anke,
): Promise<{ caseNo: string; assessmentId: string }> {
  const { caseNo } = await openCase(system, { level: 'major', grading });
  await command(system, owner, caseNo, 'confirmation', {
    signatory: '王建国',
    signature: '王建国',
  });
  await command(system, owner, caseNo, 'plan', plan(Date.now() + 60_000));
  await command(system, inspector, caseNo, 'plan-review', { accepted: true, reasons: '方案可行' });
  const photo = await uploadPhoto(system, owner, caseNo, `major-${caseNo}`);
  await command(system, owner, caseNo, 'rectification-report', {
    summary: '管线已更换',
    evidenceIds: [photo.id],
  });
  const assigned = await command(system, inspector, caseNo, 'assessor', {
    bodyId: body.assessorId,
  });
  return { caseNo, assessmentId: assigned.assessment.id };
}

describe('a major hazard through the HTTP API', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startSystem({ policy: 'test-seconds' });
  });
  afterAll(() => system?.stop());

  it('runs plan, stop order, a failed and a reassigned assessment, a pass and closure', async () => {
    const opened = await openCase(system, { level: 'major', grading });
    expect(opened).toMatchObject({ level: 'major', grading, status: 'registered' });
    const { caseNo } = opened;

    const confirmed = await command(system, owner, caseNo, 'confirmation', {
      signatory: '王建国',
      signature: '王建国',
    });
    expect(confirmed).toMatchObject({ status: 'planning', step: { kind: 'plan' } });

    const ordered = await command(system, inspector, caseNo, 'stop-order', {
      scope: 'partial',
      description: '二号储罐区停产',
    });
    expect(ordered.stopOrder).toMatchObject({ scope: 'partial', description: '二号储罐区停产' });
    const enterprise = await json(
      await system.call(inspector, 'GET', `/api/v1/enterprises/${opened.enterpriseId}`),
      200,
    );
    expect(enterprise.stopOrders).toContainEqual(
      expect.objectContaining({ caseNo, scope: 'partial' }),
    );

    await command(system, owner, caseNo, 'plan', plan(Date.now() + 30_000));
    const returned = await command(system, inspector, caseNo, 'plan-review', {
      accepted: false,
      reasons: '应急预案不完整',
    });
    expect(returned).toMatchObject({ status: 'planning', step: { kind: 'plan' } });
    const limit = Date.now() + 45_000;
    await command(system, owner, caseNo, 'plan', plan(limit));
    const accepted = await command(system, inspector, caseNo, 'plan-review', {
      accepted: true,
      reasons: '同意',
    });
    expect(accepted).toMatchObject({ status: 'rectifying', step: { kind: 'rectification' } });
    expect(Date.parse(accepted.step.deadline)).toBe(limit);

    const photo = await uploadPhoto(system, owner, caseNo, 'major-1');
    const reported = await command(system, owner, caseNo, 'rectification-report', {
      summary: '已整改',
      evidenceIds: [photo.id],
    });
    expect(reported).toMatchObject({ status: 'awaiting_assessment', step: { kind: 'assignment' } });

    const first = await command(system, inspector, caseNo, 'assessor', { bodyId: 'anke' });
    expect(first).toMatchObject({
      status: 'assessing',
      assessment: { id: `${caseNo}-A1`, bodyId: 'anke' },
    });
    const [commission] = await system.mail.waitFor(
      (m) =>
        (m.subject ?? '').startsWith('【第三方评估委托】') && (m.subject ?? '').includes(caseNo),
    );
    expect(addressesOf(commission!)).toEqual(['pinggu@anke-safety.example']);
    expect(commission!.text).toContain(`/api/v1/assessments/${caseNo}-A1/sign-off`);

    const failedReport = await uploadReport(system, anke, caseNo, 'fail');
    const failed = await signOff(system, anke, `${caseNo}-A1`, {
      passed: false,
      findings: '管线壁厚不达标',
      reportEvidenceId: failedReport.id,
    });
    expect(failed).toMatchObject({ status: 'rectifying', round: 2, assessment: null });

    const again = await uploadPhoto(system, owner, caseNo, 'major-2');
    await command(system, owner, caseNo, 'rectification-report', {
      summary: '重新更换',
      evidenceIds: [again.id],
    });
    await command(system, inspector, caseNo, 'assessor', { bodyId: 'anke' });
    const reassigned = await command(system, inspector, caseNo, 'assessor', { bodyId: 'huaan' });
    expect(reassigned.assessment).toEqual({ id: `${caseNo}-A3`, bodyId: 'huaan' });
    await sleep(500);
    const withdrawn = await json(
      await system.call(inspector, 'GET', `/api/v1/assessments/${caseNo}-A2`),
      200,
    );
    expect(withdrawn.status).toBe('withdrawn');

    const passReport = await uploadReport(system, huaan, caseNo, 'pass');
    const passed = await signOff(system, huaan, `${caseNo}-A3`, {
      passed: true,
      findings: '整改合格',
      reportEvidenceId: passReport.id,
    });
    expect(passed).toMatchObject({ status: 'awaiting_closure', step: { kind: 'closure' } });

    const closed = await command(system, committeeOffice, caseNo, 'closure', {
      comment: '同意销号',
    });
    expect(closed).toMatchObject({ status: 'closed', stopOrder: null, step: null });
    const after = await json(
      await system.call(inspector, 'GET', `/api/v1/enterprises/${opened.enterpriseId}`),
      200,
    );
    expect(after.stopOrders.map((o: { caseNo: string }) => o.caseNo)).not.toContain(caseNo);

    const record = await getCase(system, caseNo);
    const types = record
      .timeline!.map((e) => e.type)
      .filter((t) => t !== 'escalated' && t !== 'evidence_added');
    expect(types).toEqual([
      'registered',
      'confirmed',
      'stop_order_issued',
      'plan_submitted',
      'plan_returned',
      'plan_submitted',
      'plan_accepted',
      'rectification_reported',
      'assessor_assigned',
      'assessment_failed',
      'rectification_reported',
      'assessor_assigned',
      'assessor_assigned',
      'assessment_passed',
      'closure_confirmed',
      'stop_order_lifted',
      'closed',
    ]);
    expect(record.timeline!.at(-1)!.type).toBe('closed');
  });

  it('lets only the assigned assessor sign off and only the committee office close, writing nothing otherwise', async () => {
    const { caseNo, assessmentId } = await caseUnderAssessment(system, huaan);
    const report = await uploadReport(system, huaan, caseNo, 'refusals');
    const body = { passed: true, findings: '合格', reportEvidenceId: report.id };
    const before = await countEvents(system, caseNo);

    for (const actor of [anke, owner, inspector, committeeOffice]) {
      const response = await system.call(
        actor,
        'POST',
        `/api/v1/assessments/${assessmentId}/sign-off`,
        body,
      );
      expect(response.status).toBe(403);
      expect(response.headers.get('content-type')).toMatch(/problem\+json/);
    }
    await signOff(system, huaan, assessmentId, body);
    const afterSignOff = await countEvents(system, caseNo);

    for (const actor of [owner, inspector, huaan]) {
      const response = await system.call(actor, 'POST', `/api/v1/hazards/${caseNo}/closure`, {
        comment: '销号',
      });
      expect(response.status).toBe(403);
    }
    expect(await countEvents(system, caseNo)).toBe(afterSignOff);
    expect(afterSignOff).toBeGreaterThan(before);
    const [row] = await system
      .em()
      .execute<{ status: string }[]>('select status from assessment where id = ?', [assessmentId]);
    expect(row!.status).toBe('passed');
    const record = await getCase(system, caseNo);
    expect(record.status).toBe('awaiting_closure');
  });

  it('climbs the ladders of a late sign-off and a late closure, each email once', async () => {
    const { caseNo, assessmentId } = await caseUnderAssessment(system, anke);
    await system.mail.waitFor(rungMail(caseNo, '第三方评估', 2), { timeoutMs: 20_000 });
    await sleep(1000);
    const assessmentRungs = [0, 1, 2].map((rung) =>
      system.mail.matching(rungMail(caseNo, '第三方评估', rung)).flatMap(addressesOf),
    );
    expect(assessmentRungs).toEqual([
      ['pinggu@anke-safety.example'],
      ['duban@yjj.county.example'],
      ['awb@county.example'],
    ]);

    const report = await uploadReport(system, anke, caseNo, 'late');
    await signOff(system, anke, assessmentId, {
      passed: true,
      findings: '合格',
      reportEvidenceId: report.id,
    });
    await system.mail.waitFor(rungMail(caseNo, '销号确认', 2), { timeoutMs: 20_000 });
    await sleep(1000);
    const closureRungs = [0, 1, 2].map((rung) =>
      system.mail.matching(rungMail(caseNo, '销号确认', rung)).flatMap(addressesOf),
    );
    expect(closureRungs).toEqual([
      ['awb@county.example'],
      ['awb@county.example'],
      ['awh@county.example'],
    ]);
    // the assessment ladder stopped with the sign-off
    expect(system.mail.matching(rungMail(caseNo, '第三方评估', 3))).toHaveLength(0);

    const closed = await command(system, committeeOffice, caseNo, 'closure', {
      comment: '同意销号',
    });
    expect(closed.status).toBe('closed');
  });

  it('moves a general case regraded mid-rectification onto the major path, keeping both deadlines', async () => {
    const { caseNo } = await openCase(system);
    const rectifying = await command(system, owner, caseNo, 'confirmation', {
      signatory: '王建国',
      signature: '王建国',
    });
    const regraded = await command(system, inspector, caseNo, 'regrading', {
      level: 'major',
      reason: '复核认定为重大隐患',
      grading,
    });
    expect(regraded).toMatchObject({
      level: 'major',
      grading,
      status: 'planning',
      step: { kind: 'plan' },
    });

    const record = await getCase(system, caseNo);
    const event = record.timeline!.find((e) => e.type === 'regraded');
    expect(event?.data).toMatchObject({
      from: 'general',
      to: 'major',
      previousStep: 'rectification',
      previousDeadline: Date.parse(rectifying.step.deadline),
      step: 'plan',
      deadline: Date.parse(regraded.step.deadline),
    });

    const submitted = await command(system, owner, caseNo, 'plan', plan(Date.now() + 60_000));
    expect(submitted.status).toBe('plan_review');
    const refused = await system.call(inspector, 'POST', `/api/v1/hazards/${caseNo}/reinspection`, {
      passed: true,
      findings: 'x',
    });
    expect(refused.status).toBe(409);
  });
});
