import { randomUUID } from 'node:crypto';
import { claimMail, LedgerMail, sendClaimed } from '../../activities/mail-ledger';
import { createMailer, Mailer, OutgoingMail } from '../../activities/mailer';
import { migrate, openOrm, Orm } from '../../db/orm';
import { demoEnterprises, seedDemoData } from '../../db/seed';
import { MailRecorder, startMailRecorder } from '../support/mail-recorder';

const FROM = '县安委办督办系统 <duban@supervision.test>';

describe('the email ledger, on PostgreSQL and a real SMTP server', () => {
  let orm: Orm;
  let mail: MailRecorder;
  let mailer: Mailer;
  beforeAll(async () => {
    orm = await openOrm(process.env.DATABASE_URL!);
    await migrate(orm);
    await seedDemoData(orm.em.fork());
    mail = await startMailRecorder();
    mailer = createMailer(mail.url, FROM);
  });
  afterAll(async () => {
    mailer?.close();
    await mail?.stop();
    await orm?.close();
  });

  const ledgerMail = (recipients: string[]): LedgerMail => ({
    caseNo: null,
    enterpriseId: demoEnterprises[0]!.creditCode,
    key: `ledger-test/${randomUUID()}`,
    recipients,
    subject: '检查提醒',
    text: '本期检查已开始。',
  });

  const rows = (key: string) =>
    orm.em.fork().execute<{ recipient: string; status: string; attempts: number }[]>(
      `select recipient, status, attempts from email_ledger
         where idempotency_key like ? order by recipient`,
      [`${key}/%`],
    );

  const claim = (letter: LedgerMail) =>
    orm.em.fork().transactional((tx) => claimMail(tx, letter, FROM));

  it('claims each recipient once and returns only what is not yet sent', async () => {
    const letter = ledgerMail(['a@ent.test', 'b@ent.test']);
    const first = await claim(letter);
    expect(first.map((c) => c.recipient)).toEqual(['a@ent.test', 'b@ent.test']);
    expect(await claim(letter)).toEqual(first);

    expect(await sendClaimed(orm.em.fork(), mailer, letter, first.slice(0, 1))).toBe(1);
    const again = await claim(letter);
    expect(again.map((c) => c.recipient)).toEqual(['b@ent.test']);
    expect(again[0]!.messageId).toBe(first[1]!.messageId);
    expect(await rows(letter.key)).toEqual([
      { recipient: 'a@ent.test', status: 'sent', attempts: 1 },
      { recipient: 'b@ent.test', status: 'claimed', attempts: 0 },
    ]);
  });

  it('sends once when two attempts of the same activity send the same claims at once', async () => {
    const letter = ledgerMail(['c@ent.test', 'd@ent.test']);
    const claims = await claim(letter);
    // the slower SMTP server holds the first attempt's lock while the second one waits on it
    const slow: Mailer = {
      async send(outgoing: OutgoingMail) {
        await new Promise((resolve) => setTimeout(resolve, 300));
        await mailer.send(outgoing);
      },
      close() {},
    };
    const sent = await Promise.all([
      sendClaimed(orm.em.fork(), slow, letter, claims),
      sendClaimed(orm.em.fork(), mailer, letter, claims),
    ]);
    expect(sent[0] + sent[1]).toBe(2);

    const ids = claims.map((c) => c.messageId);
    await mail.waitFor((m) => ids.includes(m.messageId!), { count: 2 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(mail.matching((m) => ids.includes(m.messageId!))).toHaveLength(2);
    expect(await rows(letter.key)).toEqual([
      { recipient: 'c@ent.test', status: 'sent', attempts: 1 },
      { recipient: 'd@ent.test', status: 'sent', attempts: 1 },
    ]);
  });

  it('leaves a claim unsent, its attempt counted, when SMTP refuses, and sends it on retry', async () => {
    const letter = ledgerMail(['e@ent.test']);
    const claims = await claim(letter);
    const unreachable = createMailer('smtp://127.0.0.1:1', FROM);
    try {
      await expect(sendClaimed(orm.em.fork(), unreachable, letter, claims)).rejects.toThrow();
    } finally {
      unreachable.close();
    }
    expect(await rows(letter.key)).toEqual([
      { recipient: 'e@ent.test', status: 'claimed', attempts: 1 },
    ]);
    expect(mail.matching((m) => m.messageId === claims[0]!.messageId)).toHaveLength(0);

    expect(await sendClaimed(orm.em.fork(), mailer, letter, await claim(letter))).toBe(1);
    await mail.waitFor((m) => m.messageId === claims[0]!.messageId);
    expect(await rows(letter.key)).toEqual([
      { recipient: 'e@ent.test', status: 'sent', attempts: 2 },
    ]);
  });
});
