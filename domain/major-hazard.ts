import { dayCounter } from './calendar';
import { parseDuration } from './duration';
import type { Actor, Decision, HazardCase, HazardCommand, Step, StepKind } from './hazard';
import type { Policy } from './policy';

type Command<T extends HazardCommand['type']> = Extract<HazardCommand, { type: T }>;

// local copies of hazard.ts's helpers: importing them back would make a module cycle
const refuse = (reason: 'forbidden' | 'conflict' | 'invalid', message: string): Decision => ({
  ok: false,
  reason,
  message,
});
const accept = (next: HazardCase, events: { type: string; data: Record<string, unknown> }[]) =>
  ({ ok: true, next, events }) as Decision;

function limits(policy: Policy) {
  if (!policy.major) throw new Error(`policy ${policy.version} has no limits for major hazards`);
  return policy.major;
}

function newStep(kind: StepKind, round: number, now: number, deadline: number): Step {
  return { kind, round, revision: 0, startedAt: now, deadline };
}

function due(policy: Policy, now: number, limit: string): number {
  return dayCounter(policy).dueAfter(now, parseDuration(limit));
}

/** Confirmation of a major case starts the governance plan's limit (7 days by default). */
export function confirm(
  hazard: HazardCase,
  command: Command<'confirm'>,
  now: number,
  policy: Policy,
) {
  const step = newStep('plan', 1, now, due(policy, now, limits(policy).plan));
  return accept(
    { ...hazard, status: 'planning', confirmedAt: now, step, planStep: step, rung: null },
    [
      {
        type: 'confirmed',
        data: {
          signatory: command.signatory,
          signature: command.signature,
          deadline: step.deadline,
        },
      },
    ],
  );
}

export function submitPlan(
  hazard: HazardCase,
  command: Command<'submit_plan'>,
  now: number,
  policy: Policy,
) {
  if (hazard.status !== 'planning') return refuse('conflict', '当前不需要提交治理方案');
  if (command.plan.timeLimit.deadline <= now) {
    return refuse('invalid', '治理方案的整改时限必须晚于当前时间');
  }
  const step = newStep(
    'plan_review',
    hazard.round,
    now,
    due(policy, now, limits(policy).planReview),
  );
  return accept({ ...hazard, status: 'plan_review', plan: command.plan, step, rung: null }, [
    { type: 'plan_submitted', data: { plan: command.plan, reviewDeadline: step.deadline } },
  ]);
}

/** An accepted plan's own time limit becomes the rectification deadline. */
export function reviewPlan(
  hazard: HazardCase,
  command: Command<'review_plan'>,
  now: number,
  policy: Policy,
) {
  if (hazard.status !== 'plan_review' || !hazard.plan) {
    return refuse('conflict', '没有待审查的治理方案');
  }
  if (!command.accepted) {
    // back to the plan's own step, so its ladder resumes where it was
    const step =
      hazard.planStep ?? newStep('plan', hazard.round, now, due(policy, now, limits(policy).plan));
    return accept({ ...hazard, status: 'planning', step, rung: null }, [
      { type: 'plan_returned', data: { reasons: command.reasons, deadline: step.deadline } },
    ]);
  }
  const deadline = Math.max(hazard.plan.timeLimit.deadline, now);
  const step = newStep('rectification', hazard.round, now, deadline);
  return accept({ ...hazard, status: 'rectifying', step, planStep: null, rung: null }, [
    { type: 'plan_accepted', data: { comment: command.reasons, deadline } },
  ]);
}

export function issueStopOrder(
  hazard: HazardCase,
  command: Command<'issue_stop_order'>,
  actor: Actor,
  now: number,
) {
  if (hazard.stopOrder) return refuse('conflict', '本案已有生效的停产停业指令');
  const stopOrder = {
    scope: command.scope,
    description: command.description,
    issuedAt: now,
    issuedBy: actor.id,
  };
  return accept({ ...hazard, stopOrder }, [{ type: 'stop_order_issued', data: { ...stopOrder } }]);
}

export function liftStopOrder(hazard: HazardCase, command: Command<'lift_stop_order'>) {
  if (!hazard.stopOrder) return refuse('conflict', '本案没有生效的停产停业指令');
  return accept({ ...hazard, stopOrder: null }, [
    { type: 'stop_order_lifted', data: { reason: command.reason, order: hazard.stopOrder } },
  ]);
}

/** A major case's rectification report waits for the department to assign an assessor. */
export function reportRectification(
  hazard: HazardCase,
  command: Command<'report_rectification'>,
  now: number,
  policy: Policy,
) {
  const step = newStep(
    'assignment',
    hazard.round,
    now,
    due(policy, now, limits(policy).assignment),
  );
  return accept({ ...hazard, status: 'awaiting_assessment', step, extension: null, rung: null }, [
    {
      type: 'rectification_reported',
      data: {
        summary: command.summary,
        evidenceIds: command.evidenceIds,
        assignmentDeadline: step.deadline,
        withdrawnExtension: hazard.extension !== null,
      },
    },
  ]);
}

/** Assigns an assessment body; assigning again withdraws the sign-off in progress. */
export function assignAssessor(
  hazard: HazardCase,
  command: Command<'assign_assessor'>,
  now: number,
  policy: Policy,
) {
  if (hazard.status !== 'awaiting_assessment' && hazard.status !== 'assessing') {
    return refuse('conflict', '整改尚未报告完成，不能委托第三方评估');
  }
  const number = hazard.assessments + 1;
  const deadline = due(policy, now, limits(policy).assessment);
  const assessment = {
    id: `${hazard.caseNo}-A${number}`,
    bodyId: command.bodyId,
    assignedAt: now,
    deadline,
  };
  const step: Step = { ...newStep('assessment', hazard.round, now, deadline), revision: number };
  return accept(
    { ...hazard, status: 'assessing', assessment, assessments: number, step, rung: null },
    [
      {
        type: 'assessor_assigned',
        data: {
          assessmentId: assessment.id,
          bodyId: command.bodyId,
          deadline,
          replaces: hazard.assessment?.id ?? null,
        },
      },
    ],
  );
}

/** A pass waits for the committee office's closure; a fail reopens rectification. */
export function concludeAssessment(
  hazard: HazardCase,
  command: Command<'conclude_assessment'>,
  now: number,
  policy: Policy,
) {
  if (hazard.status !== 'assessing' || hazard.assessment?.id !== command.assessmentId) {
    return refuse('conflict', '该评估委托已不在进行中');
  }
  const outcome = {
    assessmentId: command.assessmentId,
    findings: command.findings,
    reportEvidenceId: command.reportEvidenceId,
  };
  if (command.passed) {
    const step = newStep('closure', hazard.round, now, due(policy, now, limits(policy).closure));
    return accept({ ...hazard, status: 'awaiting_closure', step, rung: null }, [
      { type: 'assessment_passed', data: { ...outcome, closureDeadline: step.deadline } },
    ]);
  }
  const round = hazard.round + 1;
  const deadline = due(policy, now, limits(policy).rectificationAfterFail);
  const step = newStep('rectification', round, now, deadline);
  return accept({ ...hazard, status: 'rectifying', round, step, assessment: null, rung: null }, [
    { type: 'assessment_failed', data: { ...outcome, deadline } },
  ]);
}

/** Closure (销号) lifts the stop-production order and is the last event of the case. */
export function confirmClosure(
  hazard: HazardCase,
  command: Command<'confirm_closure'>,
  now: number,
) {
  if (hazard.status !== 'awaiting_closure')
    return refuse('conflict', '尚未通过第三方评估，不能销号');
  const events: { type: string; data: Record<string, unknown> }[] = [
    { type: 'closure_confirmed', data: { comment: command.comment } },
  ];
  if (hazard.stopOrder) {
    events.push({
      type: 'stop_order_lifted',
      data: { reason: '隐患销号', order: hazard.stopOrder },
    });
  }
  events.push({ type: 'closed', data: {} });
  const closed: HazardCase = {
    ...hazard,
    status: 'closed',
    step: null,
    stopOrder: null,
    rung: null,
    closedAt: now,
  };
  return accept(closed, events);
}

/**
 * Regrading moves a running case to the other path without losing its record: to major, the
 * enterprise owes a governance plan; to general, a rectification within the general limit.
 */
export function regrade(
  hazard: HazardCase,
  command: Command<'regrade'>,
  now: number,
  policy: Policy,
) {
  if (command.level === hazard.level)
    return refuse('invalid', `隐患已是${command.level === 'major' ? '重大' : '一般'}隐患`);
  const previousDeadline = hazard.step?.deadline ?? null;
  const event = (next: HazardCase) =>
    accept(next, [
      {
        type: 'regraded',
        data: {
          from: hazard.level,
          to: command.level,
          reason: command.reason,
          grading: command.grading ?? null,
          previousStep: hazard.step?.kind ?? null,
          previousDeadline,
          step: next.step?.kind ?? null,
          deadline: next.step?.deadline ?? null,
        },
      },
    ]);

  if (command.level === 'major') {
    if (!command.grading) return refuse('invalid', '定为重大隐患须写明判定标准、版本和条款');
    const graded = { ...hazard, level: 'major' as const, grading: command.grading };
    if (hazard.status === 'registered') return event(graded);
    if (hazard.status !== 'rectifying' && hazard.status !== 'under_review') {
      return refuse('conflict', '当前阶段不能调整隐患等级');
    }
    const step = newStep('plan', hazard.round, now, due(policy, now, limits(policy).plan));
    return event({
      ...graded,
      status: 'planning',
      step,
      planStep: step,
      extension: null,
      rung: null,
    });
  }

  const general = { ...hazard, level: 'general' as const, grading: null };
  if (hazard.status === 'registered') return event(general);
  if (!['planning', 'plan_review', 'rectifying'].includes(hazard.status)) {
    return refuse('conflict', '已进入第三方评估或销号阶段，不能降为一般隐患');
  }
  const limit = parseDuration(policy.general.rectification);
  const step = newStep('rectification', hazard.round, now, dayCounter(policy).dueAfter(now, limit));
  return event({
    ...general,
    status: 'rectifying',
    step,
    planStep: null,
    extension: null,
    rung: null,
  });
}
