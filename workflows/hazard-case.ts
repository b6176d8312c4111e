import {
  ApplicationFailure,
  allHandlersFinished,
  CancellationScope,
  ChildWorkflowCancellationType,
  condition,
  isCancellation,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  startChild,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { HazardActivities } from '../activities/types';
import {
  assessmentConcludedUpdate,
  assessmentWorkflowId,
  CommandRequest,
  commandUpdates,
  OpenHazardInput,
  openedUpdate,
  RECORD_LOCALLY_PATCH,
  REFUSAL_TYPES,
  stateQuery,
} from '../contracts/hazard';
import { HAZARD_STATE, STEP_DEADLINE } from '../contracts/search-attributes';
import {
  Actor,
  Assessment,
  decide,
  HazardCase,
  HazardEventDraft,
  register,
  stepKey,
} from '../domain/hazard';
import { climbCaseLadder } from './ladder';
import { AssessmentResult, thirdPartyAssessment } from './third-party-assessment';

const { recordTransition } = proxyActivities<HazardActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '30s' },
});

/**
 * The same writer run as a local activity: inside the workflow task that decided the
 * transition, so a command's answer waits for one task, not for a task, an activity task and
 * another task. It is idempotent (guarded by the sequence number), which a local activity must
 * be: it runs again if the worker dies before the task completes.
 */
const { recordTransition: recordTransitionLocally } = proxyLocalActivities<HazardActivities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '1s', maximumInterval: '30s' },
});

/** One hazard case, general (一般) or major (重大), from registration to closure (销号). */
export async function hazardCase(input: OpenHazardInput): Promise<HazardCase> {
  const { policy, openedBy, ...opening } = input;
  let state = register(input, policy);
  let seq = 0;
  let recordedSeq = 0;
  // the sign-off workflow last started, so an assignment answers once its body can sign off
  let startedAssessment: string | null = null;

  const persist = async (events: HazardEventDraft[], actor: Actor | null) => {
    seq += 1;
    const record = { caseNo: state.caseNo, seq, occurredAt: Date.now(), actor, events, state };
    publishSearchAttributes(state);
    const write = patched(RECORD_LOCALLY_PATCH) ? recordTransitionLocally : recordTransition;
    await write(seq === 1 ? { ...record, opening } : record);
    recordedSeq = Math.max(recordedSeq, record.seq);
  };

  setHandler(stateQuery, () => state);
  setHandler(openedUpdate, async () => {
    await condition(() => recordedSeq >= 1);
    return state;
  });

  for (const [type, update] of Object.entries(commandUpdates)) {
    const refuseUnlessValid = ({ command, actor }: CommandRequest) => {
      if (command.type !== type) {
        throw ApplicationFailure.nonRetryable(`expected a ${type} command`, REFUSAL_TYPES.invalid);
      }
      const decision = decide(state, command, actor, Date.now(), policy);
      if (!decision.ok) {
        throw ApplicationFailure.nonRetryable(decision.message, REFUSAL_TYPES[decision.reason]);
      }
    };
    setHandler(
      update,
      async (request: CommandRequest) => {
        const decision = decide(state, request.command, request.actor, Date.now(), policy);
        // the validator ran the same rules; a concurrent command can still have got in first
        if (!decision.ok) {
          throw ApplicationFailure.nonRetryable(decision.message, REFUSAL_TYPES[decision.reason]);
        }
        state = decision.next;
        await persist(decision.events, request.actor);
        if (request.command.type === 'assign_assessor') {
          const assigned = state.assessment?.id;
          await condition(
            () => startedAssessment === assigned || state.assessment?.id !== assigned,
          );
        }
        return state;
      },
      { validator: refuseUnlessValid },
    );
  }

  await persist(
    [{ type: 'registered', data: { lateRegistration: state.lateRegistration } }],
    openedBy,
  );
  log.info('Hazard case registered', { caseNo: state.caseNo, late: state.lateRegistration });

  setHandler(assessmentConcludedUpdate, async (assessmentId: string) => {
    // answer once the conclusion is on the record, as every command does
    await condition(
      () =>
        (state.assessment?.id !== assessmentId || state.status !== 'assessing') &&
        recordedSeq >= seq,
    );
    return state;
  });

  while (state.step) {
    const step = state.step;
    if (step.kind === 'assessment' && state.assessment) {
      await superviseAssessment(state.assessment);
      continue;
    }
    const key = stepKey(step);
    await climbCaseLadder({
      caseNo: state.caseNo,
      policy,
      step,
      isCurrent: () => state.step !== null && stepKey(state.step) === key,
      onRung: (rung) => {
        state = { ...state, rung };
      },
    });
  }

  await condition(allHandlersFinished);
  log.info('Hazard case closed', { caseNo: state.caseNo });
  return state;

  /**
   * Runs one sign-off as a child workflow until it concludes, or until the department assigns
   * another body, which cancels it: the child records the withdrawal before it ends.
   */
  async function superviseAssessment(assessment: Assessment): Promise<void> {
    const isCurrent = () => state.status === 'assessing' && state.assessment?.id === assessment.id;
    const scope = new CancellationScope();
    let result: AssessmentResult | null = null;
    const child = scope.run(async () => {
      const handle = await startChild(thirdPartyAssessment, {
        workflowId: assessmentWorkflowId(assessment.id),
        cancellationType: ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED,
        args: [
          {
            caseNo: state.caseNo,
            assessmentId: assessment.id,
            bodyId: assessment.bodyId,
            round: state.round,
            assignedAt: assessment.assignedAt,
            deadline: assessment.deadline,
            policy,
          },
        ],
      });
      startedAssessment = assessment.id;
      return handle.result();
    });
    const settled = child.then(
      (value) => {
        result = value;
      },
      (error: unknown) => {
        if (!isCancellation(error)) {
          log.error('Assessment failed; waiting for a new assignment', { error: String(error) });
        }
      },
    );

    await condition(() => result !== null || !isCurrent());
    if (!isCurrent()) {
      scope.cancel();
      await settled;
      return;
    }
    const outcome = result as AssessmentResult | null;
    if (!outcome || 'withdrawn' in outcome) return;
    const command = { type: 'conclude_assessment' as const, ...outcome };
    const decision = decide(state, command, outcome.signedBy, Date.now(), policy);
    if (!decision.ok) {
      log.warn('Assessment outcome refused', { reason: decision.message });
      return;
    }
    state = decision.next;
    await persist(decision.events, outcome.signedBy);
  }
}

function publishSearchAttributes(state: HazardCase): void {
  upsertSearchAttributes([
    { key: HAZARD_STATE, value: state.status },
    { key: STEP_DEADLINE, value: state.step ? new Date(state.step.deadline) : null },
  ]);
}
