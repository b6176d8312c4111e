import { condition, proxyActivities } from '@temporalio/workflow';
import type { HazardActivities } from '../activities/types';
import { Step, stepKey } from '../domain/hazard';
import { ladderFor, planLadder, PlannedRung } from '../domain/ladder';
import type { Policy } from '../domain/policy';

const { sendEscalation } = proxyActivities<HazardActivities>({
  startToCloseTimeout: '20s',
  retry: { initialInterval: '1s', maximumInterval: '30s' },
});

/**
 * Sends each rung of a step's ladder when it falls due, until the step is acted on; then
 * returns. `send` delivers one rung; `onRung` learns of each rung sent.
 */
export async function climbLadder(options: {
  policy: Policy;
  step: Step;
  isCurrent: () => boolean;
  send: (rung: PlannedRung) => Promise<unknown>;
  onRung?: (rung: number) => void;
}): Promise<void> {
  const { policy, step, isCurrent } = options;
  const rungs = planLadder(ladderFor(policy, step.kind), policy, step.deadline, step.startedAt);
  for (const rung of rungs) {
    const wait = rung.at - Date.now();
    if (wait > 0 && (await condition(() => !isCurrent(), wait))) return;
    if (!isCurrent()) return;

    await options.send(rung);
    if (isCurrent()) options.onRung?.(rung.rung);
  }
  await condition(() => !isCurrent());
}

/** The ladder of a hazard case's step: each rung an email and an event on the case. */
export function climbCaseLadder(options: {
  caseNo: string;
  policy: Policy;
  step: Step;
  isCurrent: () => boolean;
  onRung?: (rung: number) => void;
}): Promise<void> {
  const { caseNo, step } = options;
  return climbLadder({
    ...options,
    send: (rung) =>
      sendEscalation({
        caseNo,
        step,
        stepKey: stepKey(step),
        rung: rung.rung,
        dueAt: rung.at,
        notify: rung.notify,
      }),
  });
}
