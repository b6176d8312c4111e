import { parseDuration } from './duration';
import { dayCounter } from './calendar';
// Types only from './policy': its schema brings zod, which must stay out of the workflow bundle.
import type { LadderRung, Policy, PolicyStepKind, RecipientKind } from './policy';

/** The ladder of one kind of step. */
export function ladderFor(policy: Policy, kind: PolicyStepKind): LadderRung[] {
  return policy.ladders?.[kind] ?? policy.ladder;
}

export interface PlannedRung {
  rung: number;
  at: number;
  notify: RecipientKind[];
}

/**
 * When each rung of the policy's ladder falls due for a deadline. A reminder that would fall
 * before the step began is dropped: the party was told when the step started.
 */
export function planLadder(
  ladder: LadderRung[],
  policy: Policy,
  deadline: number,
  stepStartedAt: number,
): PlannedRung[] {
  const counter = dayCounter(policy);
  return ladder
    .map((rung) => {
      const offset = parseDuration(rung.before ?? rung.after ?? 'PT0S');
      const at = counter.shift(deadline, offset, rung.before ? -1 : 1);
      return { rung: rung.rung, at, notify: rung.notify, reminder: rung.before !== undefined };
    })
    .filter((planned) => !planned.reminder || planned.at >= stepStartedAt)
    .map(({ rung, at, notify }) => ({ rung, at, notify }));
}
