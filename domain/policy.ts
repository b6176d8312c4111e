import { z } from 'zod';
import type { DayCounter } from './calendar';
import { isDuration, parseDuration } from './duration';
import { isFrequency } from './inspection-period';

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

export const stepKinds = [
  'confirmation',
  'plan',
  'plan_review',
  'rectification',
  'reinspection',
  'assignment',
  'assessment',
  'closure',
  'inspection',
] as const;

const frequency = z
  .string()
  .refine(isFrequency, 'must be month, half_month, quarter, half_year or an ISO 8601 duration');
const points = z.number().min(0).max(1000);

const ladder = z.array(rung).min(1);

function checkLadder(
  rungs: z.infer<typeof ladder>,
  path: (string | number)[],
  ctx: z.RefinementCtx,
) {
  const numbers = rungs.map((r) => r.rung);
  if (new Set(numbers).size !== numbers.length) {
    ctx.addIssue({ code: 'custom', path, message: 'rung numbers must be unique' });
  }
  const offsets = rungs.map((r) => signedSeconds(r.before, r.after));
  if (offsets.some((value, i) => i > 0 && value < offsets[i - 1]!)) {
    ctx.addIssue({
      code: 'custom',
      path,
      message: 'rungs must be listed in the order they fall due',
    });
  }
}

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
    /** Limits of the major path (重大隐患); a policy without them cannot open major cases. */
    major: z
      .object({
        plan: duration,
        planReview: duration,
        assignment: duration,
        assessment: duration,
        closure: duration,
        rectificationAfterFail: duration,
      })
      .strict()
      .optional(),
    /** How often each risk tier is inspected (red every month … blue every half year). */
    inspection: z
      .object({
        frequencies: z
          .object({ red: frequency, orange: frequency, yellow: frequency, blue: frequency })
          .strict(),
      })
      .strict()
      .optional(),
    /** How an enterprise's risk score is made; the tier follows from the thresholds. */
    risk: z
      .object({
        accidentPoints: z.object({ fatal: points, serious: points, minor: points }).strict(),
        lookbackYears: z.number().int().min(1).max(10),
        sizePoints: z
          .object({ large: points, medium: points, small: points, micro: points })
          .strict(),
        hazardPoints: z.object({ open: points, overdue: points, major: points }).strict(),
        thresholds: z.object({ red: points, orange: points, yellow: points }).strict(),
      })
      .strict()
      .optional(),
    /** The ladder every step uses, unless `ladders` names one for it. */
    ladder,
    ladders: z.partialRecord(z.enum(stepKinds), ladder).optional(),
  })
  .strict()
  .superRefine((policy, ctx) => {
    checkLadder(policy.ladder, ['ladder'], ctx);
    for (const [kind, rungs] of Object.entries(policy.ladders ?? {})) {
      if (rungs) checkLadder(rungs, ['ladders', kind], ctx);
    }
  });

export type Policy = z.infer<typeof policySchema>;
export type LadderRung = Policy['ladder'][number];
export type PolicyStepKind = (typeof stepKinds)[number];

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
