import { createHash } from 'node:crypto';
import nodemailer from 'nodemailer';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  messageId: string;
}

/** The one thing activities need of SMTP. */
export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/**
 * One SMTP connection per email. The timeouts are well inside an activity's 20 s, so a hung
 * server fails the attempt (and its retry follows) instead of holding the ledger row's lock.
 */
export function createMailer(smtpUrl: string, from: string): Mailer {
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    connectionTimeout: 5_000,
    greetingTimeout: 5_000,
    socketTimeout: 10_000,
  });
  return {
    async send(mail) {
      await transport.sendMail({ from, ...mail });
    },
    close: () => transport.close(),
  };
}

/** A Message-ID that depends only on the idempotency key, so a resend is recognisable. */
export function messageIdFor(key: string, from: string): string {
  const domain = /@([^>\s]+)/.exec(from)?.[1] ?? 'localhost';
  const digest = createHash('sha256').update(key).digest('hex').slice(0, 32);
  return `<${digest}@${domain}>`;
}
