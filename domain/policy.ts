import { z } from 'zod';
import type { DayCounter } from './calendar';
import { isDuration, parseDuration } from './duration';

const duration = z
  .string()
  .refine(isDuration, { message: 'must be an ISO 8601 duration such as P3D, PT12H or PT30S' });
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD');

/** Who an escalation rung is addressed to. `responsible` is whoever owes the step. */
export const recipientKinds = [
  'responsible',
  'enterprise',
  'department',
  'committee_office',
  'committee',
  'inspection_office',
] as const;
export type RecipientKind = (typeof recipientKinds)[number];

const rung = z
  .object({
    rung: z.number().int().min(0).max(9),
    before: duration.optional(),
    after: duration.optional(),
    notify: z.array(z.enum(recipientKinds)).min(1),
  })
  .strict()
  .refine((r) => (r.before === undefined) !== (r.after === undefined), {
    message: 'a rung gives exactly one of "before" or "after" the deadline',
  });

export const policySchema = z
  .object({
    version: z.string().min(1).max(64),
    title: z.string().min(1),
    dayCounting: z.enum(['calendar', 'working']),
    calendar: z
      .object({ holidays: z.array(date), workdays: z.array(date) })
      .strict()
      .default({ holidays: [], workdays: [] }),
    general: z
      .object({
        confirmation: duration,
        rectification: duration,
        reinspection: duration,
        maxExtension: duration,
      })
      .strict(),
    ladder: z.array(rung).min(1),
  })
  .strict()
  .superRefine((policy, ctx) => {
    const numbers = policy.ladder.map((r) => r.rung);
    if (new Set(numbers).size !== numbers.length) {
      ctx.addIssue({ code: 'custom', path: ['ladder'], message: 'rung numbers must be unique' });
    }
    const offsets = policy.ladder.map((r) => signedSeconds(r.before, r.after));
    if (offsets.some((value, i) => i > 0 && value < offsets[i - 1]!)) {
      ctx.addIssue({
        code: 'custom',
        path: ['ladder'],
        message: 'rungs must be listed in the order they fall due',
      });
    }
  });

export type Policy = z.infer<typeof policySchema>;
export type LadderRung = Policy['ladder'][number];

function signedSeconds(before?: string, after?: string): number {
  const text = before ?? after ?? 'PT0S';
  const { days, seconds } = parseDuration(text);
  return (before ? -1 : 1) * (days * 86_400 + seconds);
}

export class PolicyError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`Policy ${source} is invalid:\n  ${problems.join('\n  ')}`);
    this.name = 'PolicyError';
  }
}

/** Validates a parsed policy document; `source` names it in errors. */
export function parsePolicy(document: unknown, source = 'document'): Policy {
  const result = policySchema.safeParse(document);
  if (result.success) return result.data;
  const problems = result.error.issues.map(
    (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
  );
  throw new PolicyError(source, problems);
}

export { dayCounter } from './calendar';
export type { DayCounter };
