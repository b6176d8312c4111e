import { startSystem, TestSystem } from '../support/system';
import {
  command,
  enterpriseUser,
  getCase,
  inspector,
  openCase,
  uploadPhoto,
} from '../support/cases';

describe('a general hazard through the HTTP API', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startSystem({ policy: 'default' });
  });
  afterAll(() => system?.stop());

  it('is registered, confirmed, rectified, fails re-inspection, is rectified again and closes', async () => {
    const opened = await openCase(system);
    expect(opened).toMatchObject({ status: 'registered', lateRegistration: false, round: 1 });
    expect(opened.caseNo).toMatch(/^YH-\d{4}-\d{6}$/);
    expect(opened.step?.kind).toBe('confirmation');
    const { caseNo } = opened;
    const owner = enterpriseUser();

    const confirmed = await command(system, owner, caseNo, 'confirmation', {
      signatory: '王建国',
      signature: '王建国',
    });
    expect(confirmed).toMatchObject({
      status: 'rectifying',
      step: { kind: 'rectification', round: 1 },
    });

    const photo = await uploadPhoto(system, owner, caseNo, 'first');
    const reported = await command(system, owner, caseNo, 'rectification-report', {
      summary: '已更换两台报警器',
      evidenceIds: [photo.id],
    });
    expect(reported).toMatchObject({ status: 'under_review', step: { kind: 'reinspection' } });

    const failed = await command(system, inspector, caseNo, 'reinspection', {
      passed: false,
      findings: '一台报警器仍无响应',
      rectificationLimit: 'P2D',
    });
    expect(failed).toMatchObject({
      status: 'rectifying',
      round: 2,
      step: { kind: 'rectification', round: 2 },
    });

    const second = await uploadPhoto(system, owner, caseNo, 'second');
    await command(system, owner, caseNo, 'rectification-report', {
      summary: '全部更换',
      evidenceIds: [second.id],
    });
    const closed = await command(system, inspector, caseNo, 'reinspection', {
      passed: true,
      findings: '复查合格',
    });
    expect(closed).toMatchObject({ status: 'closed', step: null });

    const record = await getCase(system, caseNo, owner);
    expect(record.timeline!.map((event) => event.type)).toEqual([
      'registered',
      'confirmed',
      'evidence_added',
      'rectification_reported',
      'reinspection_failed',
      'evidence_added',
      'rectification_reported',
      'reinspection_passed',
      'closed',
    ]);
    expect(record.evidence).toHaveLength(2);
  });

  it('flags a case registered a day after it was found', async () => {
    const foundAt = new Date(Date.now() - 26 * 3_600_000).toISOString();
    const opened = await openCase(system, { foundAt });
    expect(opened.lateRegistration).toBe(true);
  });
});
