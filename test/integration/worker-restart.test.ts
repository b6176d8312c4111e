import { openCase } from '../support/cases';
import { aboutCase, countBy, rungMail, sleep } from '../support/ladder';
import { startSystem, TestSystem, workflowBundle } from '../support/system';
import { WorkerProcess } from '../support/worker-process';

describe('a worker killed in the middle of a ladder', () => {
  let system: TestSystem;
  let worker: WorkerProcess;
  beforeAll(async () => {
    system = await startSystem({ policy: 'test-seconds', inProcessWorker: false });
    worker = new WorkerProcess({
      ...system.env,
      LOG_LEVEL: 'info',
      WORKFLOW_BUNDLE: await workflowBundle(),
    });
  });
  afterAll(async () => {
    await worker?.kill();
    await system?.stop();
  });

  it('loses no rung and doubles none', async () => {
    await worker.start();
    const cases = [await openCase(system), await openCase(system), await openCase(system)];

    // first crash between rungs 1 and 2; rung 2 falls due with no worker running
    await system.mail.waitFor(rungMail(cases[0]!.caseNo, '企业确认隐患', 1));
    await sleep(500);
    await worker.kill();
    await sleep(3000);
    await worker.start();

    // second crash between rungs 3 and 4
    await system.mail.waitFor(rungMail(cases[0]!.caseNo, '企业确认隐患', 3), { timeoutMs: 30_000 });
    await sleep(500);
    await worker.kill();
    await sleep(1000);
    await worker.start();

    for (const { caseNo } of cases) {
      await system.mail.waitFor(rungMail(caseNo, '企业确认隐患', 4), { timeoutMs: 40_000 });
    }
    await sleep(2000);

    for (const { caseNo } of cases) {
      const mails = system.mail.matching(aboutCase(caseNo));
      const perRung = countBy(
        mails,
        (mail) => /【(到期提醒|督办·第\d级)】/.exec(mail.subject ?? '')![1]!,
      );
      // rung 0 goes to the enterprise's two people, each other rung to one body
      expect(perRung).toEqual({
        到期提醒: 2,
        '督办·第1级': 1,
        '督办·第2级': 1,
        '督办·第3级': 1,
        '督办·第4级': 1,
      });
      const messageIds = mails.map((mail) => mail.messageId);
      expect(new Set(messageIds).size).toBe(messageIds.length);

      const events = await system
        .em()
        .execute<{ rung: number }[]>(
          `select rung from case_event where case_no = ? and type = 'escalated' order by rung`,
          [caseNo],
        );
      expect(events.map((event) => event.rung)).toEqual([0, 1, 2, 3, 4]);
    }
  });
});
