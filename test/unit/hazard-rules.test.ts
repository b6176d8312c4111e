import { countyDate, endOfCountyDay } from '../../domain/county-time';
import { decide, HazardCase, HazardCommand, register } from '../../domain/hazard';
import { planLadder } from '../../domain/ladder';
import { actors, loadPolicy } from '../support/builders';

const policy = loadPolicy('default');
const registeredAt = Date.parse('2026-12-03T02:00:00Z'); // 10:00 in the county
const enterprise = actors.enterprise('E1');
const inspector = actors.inspector('yjj');
const hour = 3_600_000;

function opened(foundAt = registeredAt): HazardCase {
  return register(
    {
      caseNo: 'YH-2026-000001',
      level: 'general',
      enterpriseId: 'E1',
      departmentId: 'yjj',
      foundAt,
      registeredAt,
    },
    policy,
  );
}

function apply(
  state: HazardCase,
  command: HazardCommand,
  actor = enterprise,
  now = registeredAt + hour,
) {
  const decision = decide(state, command, actor, now, policy);
  if (!decision.ok) throw new Error(`refused: ${decision.message}`);
  return decision.next;
}

const confirm: HazardCommand = { type: 'confirm', signatory: '王建国', signature: '王建国' };
const report: HazardCommand = {
  type: 'report_rectification',
  summary: '已更换',
  evidenceIds: ['e1'],
};

describe('registration', () => {
  it('flags a case not registered on the day it was found, in county time', () => {
    expect(opened().lateRegistration).toBe(false);
    expect(opened(registeredAt - 24 * hour).lateRegistration).toBe(true);
    // 23:00 the evening before in the county is another day, though the same UTC day
    expect(opened(Date.parse('2026-12-02T15:00:00Z')).lateRegistration).toBe(true);
  });

  it('gives the enterprise until the end of the next day to confirm', () => {
    expect(opened().step).toMatchObject({
      kind: 'confirmation',
      deadline: endOfCountyDay('2026-12-04'),
    });
  });
});

describe('transitions', () => {
  it('runs the rectification deadline from registration, three days by default', () => {
    const rectifying = apply(opened(), confirm, enterprise, registeredAt + 20 * hour);
    expect(rectifying.status).toBe('rectifying');
    expect(countyDate(rectifying.step!.deadline - 1)).toBe('2026-12-06');
  });

  it('reopens rectification with a new limit and round after a failed re-inspection', () => {
    const review = apply(apply(opened(), confirm), report);
    const now = registeredAt + 30 * hour;
    const failed = apply(
      review,
      { type: 'reinspect', passed: false, findings: '未整改到位', rectificationLimit: 'P2D' },
      inspector,
      now,
    );
    expect(failed).toMatchObject({ status: 'rectifying', round: 2 });
    expect(failed.step).toMatchObject({ kind: 'rectification', round: 2 });
    expect(countyDate(failed.step!.deadline - 1)).toBe('2026-12-06');
  });

  it('closes the case on a passed re-inspection', () => {
    const review = apply(apply(opened(), confirm), report);
    const closed = apply(review, { type: 'reinspect', passed: true, findings: '合格' }, inspector);
    expect(closed).toMatchObject({ status: 'closed', step: null });
  });

  it('moves the deadline on an approved extension and gives it a new revision', () => {
    const rectifying = apply(opened(), confirm);
    const requested = endOfCountyDay('2026-12-10');
    const pending = apply(rectifying, {
      type: 'request_extension',
      reason: '暴雨停工',
      requestedDeadline: requested,
    });
    const approved = apply(
      pending,
      { type: 'decide_extension', approved: true, comment: '同意' },
      inspector,
    );
    expect(approved.step).toMatchObject({ deadline: requested, revision: 1 });
    expect(approved.extension).toBeNull();
  });

  it('keeps the deadline when an extension is refused', () => {
    const rectifying = apply(opened(), confirm);
    const pending = apply(rectifying, {
      type: 'request_extension',
      reason: '人手不足',
      requestedDeadline: endOfCountyDay('2026-12-09'),
    });
    const refused = apply(
      pending,
      { type: 'decide_extension', approved: false, comment: '理由不充分' },
      inspector,
    );
    expect(refused.step).toEqual(rectifying.step);
  });
});

describe('refusals', () => {
  const refusal = (
    state: HazardCase,
    command: HazardCommand,
    actor = enterprise,
    now = registeredAt + hour,
  ) => {
    const decision = decide(state, command, actor, now, policy);
    return decision.ok ? null : { reason: decision.reason, message: decision.message };
  };

  it('refuses a second confirmation as a conflict', () => {
    expect(refusal(apply(opened(), confirm), confirm)?.reason).toBe('conflict');
  });

  it('refuses another enterprise and inspectors of other departments', () => {
    expect(refusal(opened(), confirm, actors.enterprise('E2'))?.reason).toBe('forbidden');
    const review = apply(apply(opened(), confirm), report);
    const other = actors.inspector('zjj');
    expect(
      refusal(review, { type: 'reinspect', passed: true, findings: 'ok' }, other)?.reason,
    ).toBe('forbidden');
    expect(
      refusal(review, { type: 'reinspect', passed: true, findings: 'ok' }, enterprise)?.reason,
    ).toBe('forbidden');
  });

  it('refuses an extension after the limit has expired', () => {
    const rectifying = apply(opened(), confirm);
    const late = rectifying.step!.deadline + 1;
    const command: HazardCommand = {
      type: 'request_extension',
      reason: 'x',
      requestedDeadline: late + 86_400_000,
    };
    expect(refusal(rectifying, command, enterprise, late)).toMatchObject({ reason: 'conflict' });
  });

  it('refuses an extension longer than the policy allows or not later than the deadline', () => {
    const rectifying = apply(opened(), confirm);
    const deadline = rectifying.step!.deadline;
    const tooLong: HazardCommand = {
      type: 'request_extension',
      reason: 'x',
      requestedDeadline: deadline + 16 * 86_400_000,
    };
    const notLater: HazardCommand = {
      type: 'request_extension',
      reason: 'x',
      requestedDeadline: deadline,
    };
    expect(refusal(rectifying, tooLong)?.reason).toBe('invalid');
    expect(refusal(rectifying, notLater)?.reason).toBe('invalid');
  });

  it('refuses any command on a closed case', () => {
    const review = apply(apply(opened(), confirm), report);
    const closed = apply(review, { type: 'reinspect', passed: true, findings: '合格' }, inspector);
    expect(refusal(closed, report)?.message).toMatch(/销号/);
  });
});

describe('the ladder plan', () => {
  it('puts the reminder a day before and the rungs 0, 1, 3 and 7 days after the deadline', () => {
    const deadline = endOfCountyDay('2026-12-06');
    const plan = planLadder(policy.ladder, policy, deadline, registeredAt);
    const day = 86_400_000;
    expect(plan.map((r) => [r.rung, (r.at - deadline) / day])).toEqual([
      [0, -1],
      [1, 0],
      [2, 1],
      [3, 3],
      [4, 7],
    ]);
  });

  it('drops a reminder that would fall before the step began but keeps late rungs', () => {
    const deadline = registeredAt + hour;
    const plan = planLadder(policy.ladder, policy, deadline, registeredAt);
    expect(plan.map((r) => r.rung)).toEqual([1, 2, 3, 4]);
    const lateStart = planLadder(policy.ladder, policy, deadline, deadline + 2 * 86_400_000);
    expect(lateStart.map((r) => r.rung)).toEqual([1, 2, 3, 4]);
  });
});
