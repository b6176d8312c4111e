import { countyDate } from '../../domain/county-time';
import { Actor, decide, HazardCase, HazardCommand, register, stepKey } from '../../domain/hazard';
import { actors, loadPolicy } from '../support/builders';

const policy = loadPolicy('default');
const t0 = Date.parse('2026-12-03T02:00:00Z'); // 10:00 in the county, a Thursday
const hour = 3_600_000;
const owner = actors.enterprise('E1');
const inspector = actors.inspector('yjj');
const office: Actor = {
  id: 'awb-1',
  name: '安委办',
  role: 'committee_office',
  departmentId: 'awb',
};
const assessor = (body: string): Actor => ({
  id: `a-${body}`,
  name: body,
  role: 'assessor',
  assessorId: body,
});
const grading = { standard: '工贸企业重大事故隐患判定标准', edition: '2023', item: '第四条' };

function opened(): HazardCase {
  return register(
    {
      caseNo: 'YH-2026-000009',
      level: 'major',
      grading,
      enterpriseId: 'E1',
      departmentId: 'yjj',
      foundAt: t0,
      registeredAt: t0,
    },
    policy,
  );
}

function run(state: HazardCase, steps: [HazardCommand, Actor][], now = t0 + hour): HazardCase {
  return steps.reduce((current, [command, actor]) => {
    const decision = decide(current, command, actor, now, policy);
    if (!decision.ok) throw new Error(`${command.type} refused: ${decision.message}`);
    return decision.next;
  }, state);
}

function refusal(state: HazardCase, command: HazardCommand, actor: Actor, now = t0 + hour) {
  const decision = decide(state, command, actor, now, policy);
  return decision.ok ? null : decision.reason;
}

const confirm: HazardCommand = { type: 'confirm', signatory: '王建国', signature: '王建国' };
const planDeadline = Date.parse('2026-12-31T16:00:00Z');
const plan: HazardCommand = {
  type: 'submit_plan',
  plan: {
    goalAndTasks: 'a',
    methodsAndMeasures: 'b',
    fundingAndMaterials: 'c',
    responsibleBodyAndPeople: 'd',
    timeLimit: { deadline: planDeadline, requirements: 'e' },
    safetyMeasuresAndEmergencyPlan: 'f',
  },
};
const report: HazardCommand = {
  type: 'report_rectification',
  summary: 'done',
  evidenceIds: ['e1'],
};
const accept: HazardCommand = { type: 'review_plan', accepted: true, reasons: 'ok' };

const rectifying = () =>
  run(opened(), [
    [confirm, owner],
    [plan, owner],
    [accept, inspector],
  ]);
const assessing = (body = 'anke') =>
  run(rectifying(), [
    [report, owner],
    [{ type: 'assign_assessor', bodyId: body }, inspector],
  ]);

describe('the major path', () => {
  it('gives the enterprise seven days from confirmation for the governance plan', () => {
    const planning = run(opened(), [[confirm, owner]]);
    expect(planning.status).toBe('planning');
    expect(countyDate(planning.step!.deadline - 1)).toBe('2026-12-10');
  });

  it('makes the accepted plan’s own time limit the rectification deadline', () => {
    expect(rectifying().step).toMatchObject({ kind: 'rectification', deadline: planDeadline });
  });

  it('resumes the plan step, and its ladder, when a plan is returned', () => {
    const planning = run(opened(), [[confirm, owner]]);
    const returned = run(planning, [
      [plan, owner],
      [{ type: 'review_plan', accepted: false, reasons: '不完整' }, inspector],
    ]);
    expect(returned.status).toBe('planning');
    expect(stepKey(returned.step!)).toBe(stepKey(planning.step!));
  });

  it('refuses a plan whose time limit has already passed', () => {
    const planning = run(opened(), [[confirm, owner]]);
    const stale = {
      ...plan,
      plan: { ...plan.plan, timeLimit: { deadline: t0, requirements: 'x' } },
    } as HazardCommand;
    expect(refusal(planning, stale, owner)).toBe('invalid');
  });

  it('waits for an assessor after the rectification report, not for a re-inspection', () => {
    const reported = run(rectifying(), [[report, owner]]);
    expect(reported).toMatchObject({ status: 'awaiting_assessment', step: { kind: 'assignment' } });
    expect(refusal(reported, { type: 'reinspect', passed: true, findings: 'x' }, inspector)).toBe(
      'conflict',
    );
  });

  it('gives each assignment its own id and step, so reassigning starts a new ladder', () => {
    const first = assessing('anke');
    const second = run(first, [[{ type: 'assign_assessor', bodyId: 'huaan' }, inspector]]);
    expect(first.assessment!.id).toBe('YH-2026-000009-A1');
    expect(second.assessment).toMatchObject({ id: 'YH-2026-000009-A2', bodyId: 'huaan' });
    expect(stepKey(second.step!)).not.toBe(stepKey(first.step!));
  });

  it('accepts a conclusion only from the assigned body and only for the current assessment', () => {
    const state = assessing('anke');
    const conclusion = (id: string): HazardCommand => ({
      type: 'conclude_assessment',
      assessmentId: id,
      passed: true,
      findings: 'ok',
      reportEvidenceId: 'r',
    });
    expect(refusal(state, conclusion(state.assessment!.id), assessor('huaan'))).toBe('forbidden');
    expect(refusal(state, conclusion(state.assessment!.id), inspector)).toBe('forbidden');
    expect(refusal(state, conclusion('YH-2026-000009-A7'), assessor('anke'))).toBe('conflict');
    expect(run(state, [[conclusion(state.assessment!.id), assessor('anke')]]).status).toBe(
      'awaiting_closure',
    );
  });

  it('returns a failed assessment to rectification in a new round', () => {
    const state = assessing('anke');
    const failed = run(state, [
      [
        {
          type: 'conclude_assessment',
          assessmentId: state.assessment!.id,
          passed: false,
          findings: 'no',
          reportEvidenceId: 'r',
        },
        assessor('anke'),
      ],
    ]);
    expect(failed).toMatchObject({ status: 'rectifying', round: 2, assessment: null });
  });

  it('closes only by the committee office, lifting the stop order before the last event', () => {
    const state = assessing('anke');
    const ordered = run(state, [
      [{ type: 'issue_stop_order', scope: 'whole', description: '全厂停产' }, inspector],
    ]);
    const passed = run(ordered, [
      [
        {
          type: 'conclude_assessment',
          assessmentId: state.assessment!.id,
          passed: true,
          findings: 'ok',
          reportEvidenceId: 'r',
        },
        assessor('anke'),
      ],
    ]);
    const close: HazardCommand = { type: 'confirm_closure', comment: '同意' };
    expect(refusal(passed, close, inspector)).toBe('forbidden');
    const decision = decide(passed, close, office, t0 + 2 * hour, policy);
    expect(decision.ok && decision.events.map((e) => e.type)).toEqual([
      'closure_confirmed',
      'stop_order_lifted',
      'closed',
    ]);
    expect(decision.ok && decision.next.stopOrder).toBeNull();
  });

  it('refuses a second stop order and lifting one that is not in force', () => {
    const ordered = run(opened(), [
      [{ type: 'issue_stop_order', scope: 'partial', description: '一号车间' }, inspector],
    ]);
    expect(
      refusal(ordered, { type: 'issue_stop_order', scope: 'whole', description: 'x' }, inspector),
    ).toBe('conflict');
    expect(refusal(opened(), { type: 'lift_stop_order', reason: 'x' }, inspector)).toBe('conflict');
    expect(refusal(ordered, { type: 'lift_stop_order', reason: 'x' }, owner)).toBe('forbidden');
  });
});

describe('regrading', () => {
  const general = () =>
    register(
      {
        caseNo: 'YH-2026-000010',
        level: 'general',
        enterpriseId: 'E1',
        departmentId: 'yjj',
        foundAt: t0,
        registeredAt: t0,
      },
      policy,
    );

  it('sends a rectifying general case to the governance plan, with both deadlines on the event', () => {
    const rectifyingGeneral = run(general(), [[confirm, owner]]);
    const decision = decide(
      rectifyingGeneral,
      { type: 'regrade', level: 'major', reason: '复核', grading },
      inspector,
      t0 + hour,
      policy,
    );
    if (!decision.ok) throw new Error(decision.message);
    expect(decision.next).toMatchObject({ level: 'major', status: 'planning', grading });
    expect(decision.events[0]!.data).toMatchObject({
      previousStep: 'rectification',
      previousDeadline: rectifyingGeneral.step!.deadline,
      step: 'plan',
      deadline: decision.next.step!.deadline,
    });
  });

  it('needs a grading to go major and refuses to go general once assessment began', () => {
    expect(refusal(general(), { type: 'regrade', level: 'major', reason: 'x' }, inspector)).toBe(
      'invalid',
    );
    expect(
      refusal(assessing(), { type: 'regrade', level: 'general', reason: 'x' }, inspector),
    ).toBe('conflict');
  });

  it('puts a major case back on general rectification within the general limit', () => {
    const back = run(rectifying(), [
      [{ type: 'regrade', level: 'general', reason: '误判' }, inspector],
    ]);
    expect(back).toMatchObject({ level: 'general', status: 'rectifying', grading: null });
    expect(countyDate(back.step!.deadline - 1)).toBe('2026-12-06');
  });
});
