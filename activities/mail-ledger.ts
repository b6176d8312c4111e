import { log } from '@temporalio/activity';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Mailer, messageIdFor } from './mailer';

export interface LedgerMail {
  /** The case, or for an inspection cycle's mail the enterprise, it is about. */
  caseNo: string | null;
  enterpriseId?: string;
  /** Derived from workflow and step; one email per key and recipient, ever. */
  key: string;
  recipients: string[];
  subject: string;
  text: string;
}

interface Claim {
  key: string;
  messageId: string;
  recipient: string;
}

/**
 * Claims one ledger row per recipient, inside the caller's transaction, and returns those not
 * yet sent. The Message-ID depends only on the key, so a resend is recognisable as the same.
 */
export async function claimMail(
  tx: EntityManager,
  mail: LedgerMail,
  from: string,
): Promise<Claim[]> {
  const claimed: Claim[] = [];
  for (const recipient of mail.recipients) {
    const key = `${mail.key}/${recipient}`;
    await tx.execute(
      `insert into email_ledger (idempotency_key, case_no, enterprise_id, message_id, recipient,
         subject, status, claimed_at) values (?, ?, ?, ?, ?, ?, 'claimed', now())
       on conflict (idempotency_key) do nothing`,
      [
        key,
        mail.caseNo,
        mail.enterpriseId ?? null,
        messageIdFor(key, from),
        recipient,
        mail.subject,
      ],
    );
    const [entry] = await tx.execute<{ status: string; message_id: string }[]>(
      'select status, message_id from email_ledger where idempotency_key = ?',
      [key],
    );
    if (entry?.status === 'claimed') claimed.push({ key, messageId: entry.message_id, recipient });
  }
  return claimed;
}

/** Sends the claimed emails, marking each in the ledger as soon as SMTP accepts it. */
export async function sendClaimed(
  em: EntityManager,
  mailer: Mailer,
  mail: LedgerMail,
  claims: Claim[],
): Promise<void> {
  for (const claim of claims) {
    await em.execute('update email_ledger set attempts = attempts + 1 where idempotency_key = ?', [
      claim.key,
    ]);
    await mailer.send({
      to: claim.recipient,
      subject: mail.subject,
      text: mail.text,
      messageId: claim.messageId,
    });
    await em.execute(
      `update email_ledger set status = 'sent', sent_at = now() where idempotency_key = ?`,
      [claim.key],
    );
    log.info('Email sent', { caseNo: mail.caseNo, key: mail.key, recipient: claim.recipient });
  }
}
