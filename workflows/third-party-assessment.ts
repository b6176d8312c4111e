import {
  ApplicationFailure,
  allHandlersFinished,
  CancellationScope,
  condition,
  isCancellation,
  log,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { HazardActivities } from '../activities/types';
import {
  AssessmentInput,
  AssessmentOutcome,
  assessmentQuery,
  REFUSAL_TYPES,
  SignOff,
  signOffUpdate,
} from '../contracts/hazard';
import type { Actor, Step } from '../domain/hazard';
import { climbCaseLadder } from './ladder';

const { notifyAssessor, recordAssessment } = proxyActivities<HazardActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '30s' },
});

export type AssessmentResult = AssessmentOutcome | { withdrawn: true; assessmentId: string };

/**
 * One third-party sign-off (第三方评估), a child of its hazard case: the assessment body is
 * commissioned by email, its deadline climbs the ladder, and it ends when the assigned body
 * signs off pass or fail, or when the department reassigns the case (cancellation).
 */
export async function thirdPartyAssessment(input: AssessmentInput): Promise<AssessmentResult> {
  const { policy, ...facts } = input;
  let outcome: AssessmentOutcome | null = null;
  const record = { ...facts, at: input.assignedAt };

  setHandler(assessmentQuery, () => ({ input: facts, outcome }));
  setHandler(
    signOffUpdate,
    async ({ actor, ...signOff }) => {
      const signed: AssessmentOutcome = {
        ...signOff,
        assessmentId: input.assessmentId,
        signedBy: actor,
      };
      outcome = signed;
      await recordAssessment({
        ...record,
        status: signed.passed ? 'passed' : 'failed',
        at: Date.now(),
        findings: signed.findings,
        reportEvidenceId: signed.reportEvidenceId,
        signedBy: actor.id,
      });
      return signed;
    },
    {
      validator: ({ actor }: SignOff & { actor: Actor }) => {
        if (actor.role !== 'assessor' || actor.assessorId !== input.bodyId) {
          throw ApplicationFailure.nonRetryable(
            '只有受委托的第三方技术机构可以签署评估意见',
            REFUSAL_TYPES.forbidden,
          );
        }
        if (outcome)
          throw ApplicationFailure.nonRetryable('评估意见已经签署', REFUSAL_TYPES.conflict);
      },
    },
  );

  const step: Step = {
    kind: 'assessment',
    round: input.round,
    revision: Number(/-A(\d+)$/.exec(input.assessmentId)?.[1] ?? 0),
    startedAt: input.assignedAt,
    deadline: input.deadline,
  };
  try {
    await recordAssessment({ ...record, status: 'assigned' });
    await notifyAssessor({ ...facts });
    await climbCaseLadder({
      caseNo: input.caseNo,
      policy,
      step,
      isCurrent: () => outcome === null,
    });
    await condition(allHandlersFinished);
  } catch (error) {
    if (!isCancellation(error)) throw error;
    await CancellationScope.nonCancellable(() =>
      recordAssessment({ ...record, status: 'withdrawn', at: Date.now() }),
    );
    log.info('Assessment withdrawn', { assessmentId: input.assessmentId });
    return { withdrawn: true, assessmentId: input.assessmentId };
  }
  return outcome!;
}
