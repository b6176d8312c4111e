import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { HazardActivities } from '../activities/types';
import { REFUSAL_TYPES } from '../contracts/hazard';
import {
  changeTierUpdate,
  CycleState,
  cycleStateQuery,
  InspectionCycleInput,
  inspectionRecordedUpdate,
  setPausedUpdate,
  TierChange,
} from '../contracts/inspection';
import type { Actor, Step } from '../domain/hazard';
import { nextWindow, Period } from '../domain/inspection-period';
import type { Policy } from '../domain/policy';
import { Tier, tiers } from '../domain/risk';
import { climbLadder } from './ladder';

const { recordEnterpriseEvent, announceInspectionDue, sendInspectionEscalation } =
  proxyActivities<HazardActivities>({
    startToCloseTimeout: '20s',
    retry: { initialInterval: '1s', maximumInterval: '30s' },
  });

function frequencyOf(policy: Policy, tier: Tier): string {
  const frequencies = policy.inspection?.frequencies;
  if (!frequencies)
    throw ApplicationFailure.nonRetryable(
      `policy ${policy.version} sets no inspection frequencies`,
    );
  return frequencies[tier];
}

const staff = (actor: Actor) => actor.role === 'inspector' || actor.role === 'department';

/**
 * One enterprise's recurring inspections: each window by its risk tier's frequency, the
 * department told when one opens, the ladder when it closes without an inspection. A tier
 * change or a pause re-plans at once. Each completed window continues as new, so the history
 * stays one window long however many years the enterprise is supervised.
 */
export async function inspectionCycle(input: InspectionCycleInput): Promise<void> {
  const { policy, enterpriseId } = input;
  const state: CycleState = {
    enterpriseId,
    tier: input.tier,
    paused: input.paused,
    lastInspectionAt: input.lastInspectionAt,
    window: null,
    rung: null,
    cycle: input.cycle,
  };
  // bumped by every change that needs the window planned again
  let plan = 0;
  let override = input.override ?? null;
  // the plan the main loop last acted on, so a change answers once it took effect
  let applied = -1;
  const replanned = () => condition(() => applied === plan);
  const record = (type: string, key: string, actor: Actor | null, data: Record<string, unknown>) =>
    recordEnterpriseEvent({
      enterpriseId,
      key,
      type,
      actorId: actor?.id ?? null,
      occurredAt: Date.now(),
      data,
    });

  const refuseUnlessStaff = (actor: Actor, departmentId = input.departmentId) => {
    if (!staff(actor) || actor.departmentId !== departmentId) {
      throw ApplicationFailure.nonRetryable(
        '只有监管部门的人员可以执行此操作',
        REFUSAL_TYPES.forbidden,
      );
    }
  };

  setHandler(cycleStateQuery, () => state);
  setHandler(
    changeTierUpdate,
    async ({ tier, reason, actor, until, fallback }) => {
      const from = state.tier;
      state.tier = tier;
      override = until !== undefined && fallback !== undefined ? { until, fallback } : null;
      plan += 1;
      await record('tier_changed', `${enterpriseId}/tier/${input.cycle}.${plan}`, actor, {
        from,
        to: tier,
        reason,
      });
      await replanned();
      return state;
    },
    {
      validator: ({ tier }: TierChange) => {
        if (!tiers.includes(tier))
          throw ApplicationFailure.nonRetryable(`unknown tier ${tier}`, REFUSAL_TYPES.invalid);
        if (tier === state.tier)
          throw ApplicationFailure.nonRetryable('风险等级未变化', REFUSAL_TYPES.conflict);
      },
    },
  );
  setHandler(
    inspectionRecordedUpdate,
    async ({ inspectionId, inspectedAt, actor }) => {
      state.lastInspectionAt = Math.max(state.lastInspectionAt ?? 0, inspectedAt);
      await record('inspection_recorded', `${enterpriseId}/inspection/${inspectionId}`, actor, {
        inspectionId,
        inspectedAt,
        window: state.window,
      });
      return state;
    },
    { validator: ({ actor }: { actor: Actor }) => refuseUnlessStaff(actor) },
  );
  setHandler(
    setPausedUpdate,
    async ({ paused, reason, actor }) => {
      state.paused = paused;
      plan += 1;
      await record(
        paused ? 'cycle_paused' : 'cycle_resumed',
        `${enterpriseId}/pause/${input.cycle}.${plan}`,
        actor,
        { reason },
      );
      await replanned();
      return state;
    },
    {
      validator: ({ paused, actor }: { paused: boolean; actor: Actor }) => {
        refuseUnlessStaff(actor);
        if (paused === state.paused) {
          throw ApplicationFailure.nonRetryable(
            paused ? '检查周期已暂停' : '检查周期未暂停',
            REFUSAL_TYPES.conflict,
          );
        }
      },
    },
  );

  // an override lapses on its own: the tier falls back to the score's and the window re-plans
  void (async () => {
    for (;;) {
      await condition(() => override !== null);
      const current = override!;
      const lapsed = !(await condition(
        () => override !== current,
        Math.max(0, current.until - Date.now()),
      ));
      if (!lapsed) continue;
      override = null;
      if (current.fallback === state.tier) continue;
      const from = state.tier;
      state.tier = current.fallback;
      plan += 1;
      await record('tier_changed', `${enterpriseId}/tier/${input.cycle}.${plan}`, null, {
        from,
        to: current.fallback,
        reason: '人工调整的风险等级到期',
      });
    }
  })();

  for (;;) {
    if (state.paused) {
      state.window = null;
      applied = plan;
      await condition(() => !state.paused);
      continue;
    }
    const planned = plan;
    const window = nextWindow(
      Date.now(),
      frequencyOf(policy, state.tier),
      state.lastInspectionAt,
      input.anchor,
    );
    state.window = window;
    state.rung = null;
    applied = planned;
    const inspected = () => (state.lastInspectionAt ?? -Infinity) >= window.start;
    const current = () => plan === planned && !inspected();

    const windowKey = `${enterpriseId}/${window.start}-${window.end}`;
    await announceInspectionDue({ enterpriseId, windowKey, tier: state.tier, window });
    await climbLadder({
      policy,
      step: inspectionStep(window, state.cycle),
      isCurrent: current,
      send: (rung) =>
        sendInspectionEscalation({
          enterpriseId,
          windowKey,
          tier: state.tier,
          window,
          rung: rung.rung,
          dueAt: rung.at,
          notify: rung.notify,
        }),
      onRung: (rung) => {
        state.rung = rung;
      },
    });
    if (plan !== planned) continue;

    // the window's inspection is done: start afresh with a history of one window
    await condition(allHandlersFinished);
    log.info('Inspection window completed', { enterpriseId, window: windowKey });
    await continueAsNew<typeof inspectionCycle>({
      ...input,
      tier: state.tier,
      paused: state.paused,
      lastInspectionAt: state.lastInspectionAt,
      cycle: state.cycle + 1,
      override,
    });
  }
}

function inspectionStep(window: Period, cycle: number): Step {
  return {
    kind: 'inspection',
    round: cycle,
    revision: 0,
    startedAt: window.start,
    deadline: window.end,
  };
}
