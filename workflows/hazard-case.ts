import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  log,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { HazardActivities } from '../activities/types';
import {
  CommandRequest,
  commandUpdates,
  OpenHazardInput,
  openedUpdate,
  REFUSAL_TYPES,
  stateQuery,
} from '../contracts/hazard';
import { HAZARD_STATE, STEP_DEADLINE } from '../contracts/search-attributes';
import {
  Actor,
  decide,
  HazardCase,
  HazardEventDraft,
  register,
  Step,
  stepKey,
} from '../domain/hazard';
import { planLadder } from '../domain/ladder';

const { recordTransition } = proxyActivities<HazardActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '30s' },
});

const { sendEscalation } = proxyActivities<HazardActivities>({
  startToCloseTimeout: '20s',
  retry: { initialInterval: '1s', maximumInterval: '30s' },
});

/** One general hazard case (一般隐患), from registration to closure. */
export async function hazardCase(input: OpenHazardInput): Promise<HazardCase> {
  const { policy, openedBy, ...opening } = input;
  let state = register(input, policy);
  let seq = 0;
  let recordedSeq = 0;

  const persist = async (events: HazardEventDraft[], actor: Actor | null) => {
    seq += 1;
    const record = { caseNo: state.caseNo, seq, occurredAt: Date.now(), actor, events, state };
    publishSearchAttributes(state);
    await recordTransition(seq === 1 ? { ...record, opening } : record);
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

  while (state.step) {
    await climbLadder(state.step);
  }

  await condition(allHandlersFinished);
  log.info('Hazard case closed', { caseNo: state.caseNo });
  return state;

  /** Sends each rung of the step's ladder when due, until the step is acted on. */
  async function climbLadder(step: Step): Promise<void> {
    const key = stepKey(step);
    const isCurrent = () => state.step !== null && stepKey(state.step) === key;

    for (const rung of planLadder(policy, step.deadline, step.startedAt)) {
      const wait = rung.at - Date.now();
      if (wait > 0 && (await condition(() => !isCurrent(), wait))) return;
      if (!isCurrent()) return;

      await sendEscalation({
        caseNo: state.caseNo,
        step,
        stepKey: key,
        rung: rung.rung,
        dueAt: rung.at,
        notify: rung.notify,
      });
      if (isCurrent()) state = { ...state, rung: rung.rung };
    }
    await condition(() => !isCurrent());
  }
}

function publishSearchAttributes(state: HazardCase): void {
  upsertSearchAttributes([
    { key: HAZARD_STATE, value: state.status },
    { key: STEP_DEADLINE, value: state.step ? new Date(state.step.deadline) : null },
  ]);
}
