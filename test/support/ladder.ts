import type { ParsedMail } from 'mailparser';
import { messageIdFor } from '../../activities/mailer';
import type { TestSystem } from './system';

export const addressesOf = (mail: ParsedMail): string[] => {
  const to = Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : [];
  return to.flatMap((group) => group.value.map((entry) => entry.address ?? '')).sort();
};

export const aboutCase = (caseNo: string) => (mail: ParsedMail) =>
  (mail.subject ?? '').includes(caseNo);

export const rungMail = (caseNo: string, step: string, rung: number) => (mail: ParsedMail) => {
  const subject = mail.subject ?? '';
  const marker = rung === 0 ? '【到期提醒】' : `【督办·第${rung}级】`;
  return subject.startsWith(marker) && subject.includes(caseNo) && subject.includes(`「${step}」`);
};

/** The Message-ID the ledger must have given one rung's email to one recipient. */
export function expectedMessageId(
  system: TestSystem,
  caseNo: string,
  stepKey: string,
  rung: number,
  recipient: string,
): string {
  return messageIdFor(`${caseNo}/${stepKey}/rung-${rung}/${recipient}`, system.config.smtp.from);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Each message's recipient list, per rung, to see nothing is missing or doubled. */
export function countBy(
  mails: ParsedMail[],
  key: (mail: ParsedMail) => string,
): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const mail of mails) counts[key(mail)] = (counts[key(mail)] ?? 0) + 1;
  return counts;
}
