import { randomUUID } from 'node:crypto';
import { inspectionCycleWorkflowId } from '../../contracts/inspection';
import { creditCodeCheckChar } from '../../domain/credit-code';
import { periodContaining } from '../../domain/inspection-period';
import { inspector, json } from '../support/cases';
import { addressesOf, sleep } from '../support/ladder';
import { startSystem, TestSystem } from '../support/system';

// policy/test-seconds.json: orange every 8 s, red every 12 s, yellow every 30 s; the inspection
// ladder: a reminder 3 s before the window ends, the department at its end, the office 2 s later
async function newEnterprise(system: TestSystem, name: string) {
  const body = `91330100MA${randomUUID().replace(/\D/g, '').slice(0, 7).padEnd(7, '7')}`;
  const creditCode = body + creditCodeCheckChar(body);
  const created = await json(
    await system.call(inspector, 'POST', '/api/v1/enterprises', {
      name,
      creditCode,
      industry: '危险化学品',
      industryId: 'chemicals',
      size: 'large',
      township: '城关镇',
      departmentId: 'yjj',
      responsible: { name: '负责人', email: `boss-${creditCode}@example.cn` },
      safetyManager: { name: '安全员', email: `safety-${creditCode}@example.cn` },
    }),
    201,
  );
  return created as { id: string; tier: string; createdAt: string };
}

async function cycle(system: TestSystem, id: string) {
  return json(
    await system.call(inspector, 'GET', `/api/v1/enterprises/${id}/inspection-cycle`),
    200,
  );
}

const about = (name: string) => (mail: { subject?: string }) => (mail.subject ?? '').includes(name);

async function inspect(system: TestSystem, id: string, results: object[]) {
  return json(
    await system.call(inspector, 'POST', `/api/v1/enterprises/${id}/inspections`, {
      inspectedAt: new Date().toISOString(),
      results,
    }),
    201,
  );
}

const allPassed = [
  { itemId: 'hc-1', passed: true },
  { itemId: 'hc-2', passed: true },
];

describe('an enterprise’s inspection cycle', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startSystem({ policy: 'test-seconds' });
  });
  afterAll(() => system?.stop());

  it('runs several windows, each recorded inspection continuing the cycle as new', async () => {
    const name = `连续检查化工${randomUUID().slice(0, 4)}`;
    const enterprise = await newEnterprise(system, name);
    expect(enterprise.tier).toBe('orange');

    for (let window = 1; window <= 3; window += 1) {
      await system.mail.waitFor(
        (m) => about(name)(m) && (m.subject ?? '').startsWith('【检查到期】'),
        { count: window },
      );
      // the department hears of a window before it opens; an inspection counts once it is open
      const { window: open } = await cycle(system, enterprise.id);
      await sleep(Math.max(0, Date.parse(open.start) - Date.now() + 100));
      await inspect(system, enterprise.id, allPassed);
    }
    await system.mail.waitFor(
      (m) => about(name)(m) && (m.subject ?? '').startsWith('【检查到期】'),
      { count: 4 },
    );

    const runs = [];
    for await (const run of system.api.deps.temporal.workflow.list({
      query: `WorkflowId = "${inspectionCycleWorkflowId(enterprise.id)}"`,
    })) {
      runs.push(run.status.name);
    }
    expect(runs.filter((status) => status === 'CONTINUED_AS_NEW')).toHaveLength(3);
    expect(runs.filter((status) => status === 'RUNNING')).toHaveLength(1);
    const state = await cycle(system, enterprise.id);
    expect(state.cycle).toBe(4);
  });

  it('climbs the ladder of a missed inspection, each email once', async () => {
    const name = `漏检化工${randomUUID().slice(0, 4)}`;
    const enterprise = await newEnterprise(system, name);
    const rung = (n: number) => (m: { subject?: string }) =>
      about(name)(m) &&
      (m.subject ?? '').startsWith(n === 0 ? '【到期提醒】' : `【督办·第${n}级】`);

    await system.mail.waitFor(rung(2), { timeoutMs: 20_000 });
    await sleep(1500);
    expect([0, 1, 2].map((n) => system.mail.matching(rung(n)).flatMap(addressesOf))).toEqual([
      ['duban@yjj.county.example'],
      ['duban@yjj.county.example'],
      ['awb@county.example'],
    ]);
    const [events] = await system
      .em()
      .execute<{ n: string }[]>(
        `select count(*) as n from enterprise_event where enterprise_id = ? and type = 'escalated'`,
        [enterprise.id],
      );
    expect(events!.n).toBe('3');

    // a late inspection ends the ladder and opens the next window
    await inspect(system, enterprise.id, allPassed);
    const state = await cycle(system, enterprise.id);
    expect(state.cycle).toBe(2);
  });

  it('re-plans the next due date at once when the tier changes mid-window', async () => {
    const enterprise = await newEnterprise(system, `变更等级化工${randomUUID().slice(0, 4)}`);
    const anchor = Date.parse(enterprise.createdAt);
    const before = await cycle(system, enterprise.id);
    expect(before.tier).toBe('orange');

    const override = await json(
      await system.call(inspector, 'POST', `/api/v1/enterprises/${enterprise.id}/tier-override`, {
        tier: 'yellow',
        reason: '整改到位，降低检查频次',
        expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      }),
      200,
    );
    expect(override.effective).toEqual({ tier: 'yellow', source: 'override' });
    const after = await cycle(system, enterprise.id);
    expect(after.tier).toBe('yellow');
    expect(Date.parse(after.window.end)).not.toBe(Date.parse(before.window.end));
    const expected = periodContaining(Date.now(), 'PT30S', Date.parse(after.window.start));
    expect(Date.parse(after.window.end)).toBe(expected.end);
    expect(Math.abs(Date.parse(after.window.start) - anchor)).toBeLessThan(60_000);

    const [changed] = await system
      .em()
      .execute<{ n: string }[]>(
        `select count(*) as n from enterprise_event where enterprise_id = ? and type = 'tier_changed'`,
        [enterprise.id],
      );
    expect(changed!.n).toBe('1');
  });

  it('explains the score, and a fatal accident moves the tier and the explanation', async () => {
    const enterprise = await newEnterprise(system, `事故化工${randomUUID().slice(0, 4)}`);
    const before = await json(
      await system.call(inspector, 'GET', `/api/v1/enterprises/${enterprise.id}/risk`),
      200,
    );
    expect(before.score).toMatchObject({ score: 40, tier: 'orange' });

    const after = await json(
      await system.call(inspector, 'POST', `/api/v1/enterprises/${enterprise.id}/accidents`, {
        occurredOn: '2026-06-01',
        severity: 'fatal',
        description: '储罐检修中毒',
      }),
      201,
    );
    expect(after.score).toMatchObject({ score: 70, tier: 'red' });
    const part = (view: any, factor: string) =>
      view.score.parts.find((p: any) => p.factor === factor);
    expect(part(after, 'accidents').points).toBe(part(before, 'accidents').points + 30);
    expect(part(after, 'industry')).toEqual(part(before, 'industry'));
    expect(after.score.explanation).not.toBe(before.score.explanation);
    expect(after.score.explanation).toContain('红');
    const state = await cycle(system, enterprise.id);
    expect(state.tier).toBe('red');
  });

  it('opens a linked hazard case for each failed item of a recorded inspection', async () => {
    const enterprise = await newEnterprise(system, `检查发现隐患化工${randomUUID().slice(0, 4)}`);
    const recorded = await inspect(system, enterprise.id, [
      {
        itemId: 'hc-1',
        passed: false,
        note: '罐底渗漏',
        openHazard: { title: '储罐渗漏', description: '一号罐罐底渗漏', location: '一号罐' },
      },
      {
        itemId: 'hc-2',
        passed: false,
        note: '压力表失效',
        openHazard: { title: '压力表失效', description: '反应釜压力表失效', location: '反应釜' },
      },
      { itemId: 'hc-3', passed: true },
    ]);
    const caseNos = recorded.results.map((r: any) => r.caseNo).filter(Boolean);
    expect(caseNos).toHaveLength(2);
    for (const caseNo of caseNos) {
      const hazard = await json(
        await system.call(inspector, 'GET', `/api/v1/hazards/${caseNo}`),
        200,
      );
      expect(hazard).toMatchObject({
        inspectionId: recorded.id,
        source: 'inspection',
        status: 'registered',
      });
    }
    const listed = await json(
      await system.call(inspector, 'GET', `/api/v1/enterprises/${enterprise.id}/inspections`),
      200,
    );
    expect(listed.items[0].failed).toBe(2);

    const refused = await system.call(
      inspector,
      'POST',
      `/api/v1/enterprises/${enterprise.id}/inspections`,
      {
        inspectedAt: new Date().toISOString(),
        results: [{ itemId: 'not-on-the-list', passed: false }],
      },
    );
    expect(refused.status).toBe(422);
  });

  it('pauses the cycle of a suspended enterprise and resumes it on reopening', async () => {
    const enterprise = await newEnterprise(system, `停业化工${randomUUID().slice(0, 4)}`);
    const status = (body: object) =>
      system.call(inspector, 'POST', `/api/v1/enterprises/${enterprise.id}/status`, body);

    await json(await status({ status: 'suspended', reason: '停业整顿' }), 200);
    const paused = await cycle(system, enterprise.id);
    expect(paused).toMatchObject({ paused: true, window: null });
    const refused = await system.call(
      inspector,
      'POST',
      `/api/v1/enterprises/${enterprise.id}/inspections`,
      {
        inspectedAt: new Date().toISOString(),
        results: allPassed,
      },
    );
    expect(refused.status).toBe(409);

    await json(await status({ status: 'active', reason: '复产验收合格' }), 200);
    const resumed = await cycle(system, enterprise.id);
    expect(resumed.paused).toBe(false);
    expect(Date.parse(resumed.window.end)).toBeGreaterThan(Date.now());
    const [events] = await system.em().execute<{ types: string[] }[]>(
      `select array_agg(type order by id) as types from enterprise_event
       where enterprise_id = ? and type like 'cycle_%'`,
      [enterprise.id],
    );
    expect(events!.types).toEqual(['cycle_paused', 'cycle_resumed']);
  });

  it('forecasts the inspections falling due per department and month', async () => {
    const forecast = await json(
      await system.call(inspector, 'GET', '/api/v1/inspections/forecast?months=12'),
      200,
    );
    expect(forecast.months).toHaveLength(12);
    const yjj = forecast.departments.find((d: any) => d.departmentId === 'yjj');
    expect(yjj.total).toBeGreaterThan(0);
    expect(Object.keys(yjj.perMonth)).toEqual(forecast.months);
  });
});
