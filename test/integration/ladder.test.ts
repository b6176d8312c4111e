import { command, enterpriseUser, getCase, inspector, openCase } from '../support/cases';
import { addressesOf, aboutCase, expectedMessageId, rungMail, sleep } from '../support/ladder';
import { startSystem, TestSystem } from '../support/system';

// policy/test-seconds.json: confirmation PT6S, rectification PT8S, reminder 3 s before,
// rungs 1 to 4 at 0, 2, 4 and 6 s after the deadline
const owner = enterpriseUser();
const enterpriseMail = ['lian@dongling-chem.example', 'wangjg@dongling-chem.example'];

describe('the escalation ladder on the test policy', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startSystem({ policy: 'test-seconds' });
  });
  afterAll(() => system?.stop());

  it('climbs every rung of an unconfirmed case once, to the right recipients', async () => {
    const { caseNo } = await openCase(system);
    const step = 'confirmation-1.0';
    const expected: [number, string[]][] = [
      [0, enterpriseMail],
      [1, ['duban@yjj.county.example']],
      [2, ['awb@county.example']],
      [3, ['awh@county.example']],
      [4, ['dcs@county.example']],
    ];

    await system.mail.waitFor(rungMail(caseNo, '企业确认隐患', 4), { timeoutMs: 30_000 });
    await sleep(1500); // a doubled rung would arrive within this
    const received = system.mail.matching(aboutCase(caseNo));
    expect(received).toHaveLength(6);

    for (const [rung, recipients] of expected) {
      const mails = received.filter(rungMail(caseNo, '企业确认隐患', rung));
      expect(mails.flatMap(addressesOf).sort()).toEqual(recipients);
      for (const mail of mails) {
        const [recipient] = addressesOf(mail);
        expect(mail.messageId).toBe(expectedMessageId(system, caseNo, step, rung, recipient!));
      }
    }
    expect(received.find(rungMail(caseNo, '企业确认隐患', 3))?.subject).toBe(
      `【督办·第3级】隐患 ${caseNo}「企业确认隐患」逾期 — 东岭化工有限公司`,
    );

    const record = await getCase(system, caseNo);
    const escalations = record.timeline!.filter((event) => event.type === 'escalated');
    expect(escalations.map((event) => event.rung)).toEqual([0, 1, 2, 3, 4]);
    expect(record.rung).toBe(4);

    const [ledger] = await system.em().execute<{ sent: string; all: string }[]>(
      `select count(*) filter (where status = 'sent') as sent, count(*) as all
       from email_ledger where case_no = ?`,
      [caseNo],
    );
    expect(ledger).toEqual({ sent: '6', all: '6' });
  });

  it('stops the confirmation ladder when the enterprise confirms', async () => {
    const { caseNo } = await openCase(system);
    await system.mail.waitFor(rungMail(caseNo, '企业确认隐患', 1));
    await command(system, owner, caseNo, 'confirmation', {
      signatory: '王建国',
      signature: '王建国',
    });

    // rung 2 of the confirmation step was due 2 s after rung 1; rectification has its own ladder
    await system.mail.waitFor(rungMail(caseNo, '隐患整改', 1), { timeoutMs: 15_000 });
    await sleep(1000);
    expect(system.mail.matching(rungMail(caseNo, '企业确认隐患', 2))).toHaveLength(0);
    const record = await getCase(system, caseNo);
    const confirmationRungs = record.timeline!.filter(
      (event) =>
        event.type === 'escalated' &&
        (event as { stepKey?: string }).stepKey === 'confirmation-1.0',
    );
    expect(confirmationRungs.map((event) => event.rung)).toEqual([0, 1]);
  });

  it('moves the deadline and the whole ladder when an extension is approved', async () => {
    const { caseNo } = await openCase(system);
    const confirmed = await command(system, owner, caseNo, 'confirmation', {
      signatory: '王建国',
      signature: '王建国',
    });
    const original = Date.parse(confirmed.step.deadline);
    const requested = new Date(original + 12_000).toISOString();
    await command(system, owner, caseNo, 'extension-requests', {
      reason: '暴雨导致停电，无法施工',
      requestedDeadline: requested,
    });
    const approved = await command(system, inspector, caseNo, 'extension-decision', {
      approved: true,
      comment: '同意延期',
    });
    expect(approved.step.deadline).toBe(requested);

    // past the original deadline: nothing, because the deadline moved
    await sleep(Math.max(0, original + 1500 - Date.now()));
    expect(system.mail.matching(rungMail(caseNo, '隐患整改', 1))).toHaveLength(0);

    const reminder = await system.mail.waitFor(rungMail(caseNo, '隐患整改', 0), {
      count: 2,
      timeoutMs: 15_000,
    });
    const overdue = await system.mail.waitFor(rungMail(caseNo, '隐患整改', 1), {
      timeoutMs: 15_000,
    });
    await sleep(1000);
    expect(system.mail.matching(rungMail(caseNo, '隐患整改', 0))).toHaveLength(2);
    expect(system.mail.matching(rungMail(caseNo, '隐患整改', 1))).toHaveLength(1);
    expect(reminder.flatMap(addressesOf).sort()).toEqual(enterpriseMail);
    expect(overdue[0]!.date!.getTime()).toBeGreaterThanOrEqual(Date.parse(requested) - 1000);
    expect(overdue[0]!.messageId).toBe(
      expectedMessageId(system, caseNo, 'rectification-1.1', 1, 'duban@yjj.county.example'),
    );

    const record = await getCase(system, caseNo);
    const extension = record.timeline!.find((event) => event.type === 'extension_approved');
    expect(extension?.data).toMatchObject({
      previousDeadline: original,
      deadline: Date.parse(requested),
    });
  });
});
