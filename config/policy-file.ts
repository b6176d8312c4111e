import { readFile } from 'node:fs/promises';
import { Policy, parsePolicy, PolicyError } from '../domain/policy';
import { parseDuration } from '../domain/duration';

/** Reads and validates the policy file named by POLICY_FILE. */
export async function readPolicyFile(file: string): Promise<Policy> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new PolicyError(file, [`cannot be read: ${(error as Error).message}`]);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new PolicyError(file, [`is not JSON: ${(error as Error).message}`]);
  }
  return parsePolicy(document, file);
}

/** Odd but allowed settings, worth a line in the log. */
export function policyWarnings(policy: Policy): string[] {
  const warnings: string[] = [];
  const reminder = policy.ladder.find((rung) => rung.before);
  if (reminder?.before) {
    const before = parseDuration(reminder.before);
    const limit = parseDuration(policy.general.rectification);
    if (before.days * 86_400 + before.seconds >= limit.days * 86_400 + limit.seconds) {
      warnings.push('the reminder falls before the rectification limit even starts');
    }
  }
  const frequencies = policy.inspection?.frequencies;
  if (frequencies) {
    const order = ['red', 'orange', 'yellow', 'blue'] as const;
    for (const [i, tier] of order.entries()) {
      const next = order[i + 1];
      if (next && approximateMs(frequencies[tier]) > approximateMs(frequencies[next])) {
        warnings.push(`${tier} enterprises are inspected less often than ${next} ones`);
      }
    }
  }
  if (policy.dayCounting === 'working' && policy.calendar.holidays.length === 0) {
    warnings.push('working-day counting without any public holidays listed');
  }
  return warnings;
}

const periodMs: Record<string, number> = {
  month: 30 * 86_400_000,
  half_month: 15 * 86_400_000,
  quarter: 91 * 86_400_000,
  half_year: 182 * 86_400_000,
};

function approximateMs(frequency: string): number {
  if (frequency in periodMs) return periodMs[frequency]!;
  const { days, seconds } = parseDuration(frequency);
  return (days * 86_400 + seconds) * 1000;
}
