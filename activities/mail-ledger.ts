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

export interface Claim {
  key: string;
  messageId: string;
  recipient: string;
}

/**
 * Claims one ledger row per recipient, inside the caller's transaction, and returns those not
 * yet sent. The Message-ID depends only on the key, so a resend is recognisable as the same.
 * Two statements whatever the number of recipients.
 */
export async function claimMail(
  tx: EntityManager,
  mail: LedgerMail,
  from: string,
): Promise<Claim[]> {
  if (mail.recipients.length === 0) return [];
  const keys = mail.recipients.map((recipient) => `${mail.key}/${recipient}`);
  const rows = mail.recipients.map(() => `(?, ?, ?, ?, ?, ?, 'claimed', now())`).join(', ');
  await tx.execute(
    `insert into email_ledger (idempotency_key, case_no, enterprise_id, message_id, recipient,
       subject, status, claimed_at) values ${rows}
     on conflict (idempotency_key) do nothing`,
    mail.recipients.flatMap((recipient, i) => [
      keys[i],
      mail.caseNo,
      mail.enterpriseId ?? null,
      messageIdFor(keys[i]!, from),
      recipient,
      mail.subject,
    ]),
  );
  const entries = await tx.execute<{ idempotency_key: string; message_id: string }[]>(
    `select idempotency_key, message_id from email_ledger
     where status = 'claimed' and idempotency_key in (${keys.map(() => '?').join(', ')})`,
    keys,
  );
  const unsent = new Map(entries.map((e) => [e.idempotency_key, e.message_id]));
  return mail.recipients.flatMap((recipient, i) => {
    const messageId = unsent.get(keys[i]!);
    return messageId ? [{ key: keys[i]!, messageId, recipient }] : [];
  });
}

/**
 * Sends the claimed emails, one transaction each. The transaction marks the row sent, and so
 * locks it, before the email goes out, and commits the moment SMTP accepts it: a concurrent
 * attempt of the same activity waits on the lock and then finds the row sent, and an attempt
 * that dies mid-send leaves the row claimed for its retry. Only a death in the instant between
 * SMTP's acceptance and the commit can make a retry send the email again, with the same
 * Message-ID. Returns how many it sent.
 */
export async function sendClaimed(
  em: EntityManager,
  mailer: Mailer,
  mail: LedgerMail,
  claims: Claim[],
): Promise<number> {
  let count = 0;
  for (const claim of claims) {
    let sent = false;
    try {
      sent = await em.transactional(async (tx) => {
        const marked = await tx.execute<{ idempotency_key: string }[]>(
          `update email_ledger set status = 'sent', sent_at = now(), attempts = attempts + 1
           where idempotency_key = ? and status = 'claimed' returning idempotency_key`,
          [claim.key],
        );
        if (marked.length === 0) return false;
        await mailer.send({
          to: claim.recipient,
          subject: mail.subject,
          text: mail.text,
          messageId: claim.messageId,
        });
        return true;
      });
    } catch (error) {
      // the mark was rolled back; count the failed attempt on its own
      await em
        .execute('update email_ledger set attempts = attempts + 1 where idempotency_key = ?', [
          claim.key,
        ])
        .catch(() => undefined);
      throw error;
    }
    if (sent) count++;
  }
  return count;
}

/**
 * How an activity emails: `record` writes what the email is about (an event, a rung) in the
 * transaction that claims it, and then whatever is still unsent is sent. Returns how many
 * emails this call sent.
 */
export async function recordAndSend(
  em: EntityManager,
  sender: { mailer: Mailer; mailFrom: string },
  mail: LedgerMail,
  record: (tx: EntityManager) => Promise<unknown> = () => Promise.resolve(),
): Promise<number> {
  const claims = await em.transactional(async (tx) => {
    await record(tx);
    return claimMail(tx, mail, sender.mailFrom);
  });
  return sendClaimed(em, sender.mailer, mail, claims);
}
