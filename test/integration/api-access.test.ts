import { randomUUID } from 'node:crypto';
import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import os from 'node:os';
import { demoEnterprises } from '../../db/seed';
import { creditCodeCheckChar } from '../../domain/credit-code';
import type { Actor } from '../../domain/hazard';
import {
  actorAs,
  admin,
  assessor,
  committeeOffice,
  eventCount,
  evidenceForm,
  expectNothingWritten,
  expectProblem,
  jpeg,
  openingBody,
  openSettled,
  publicUser,
} from '../support/api';
import {
  CaseView,
  chemicals,
  command,
  enterpriseUser,
  inspector,
  json,
  otherInspector,
  textiles,
  uploadPhoto,
} from '../support/cases';
import { startSystem, TestSystem } from '../support/system';

/** The demo enterprise supervised by 住建局 (zjj). */
const building = demoEnterprises[2]!.creditCode;
const owner = enterpriseUser(chemicals);
const neighbour = enterpriseUser(textiles);
const expert = actorAs('expert');
const committee = actorAs('committee', { departmentId: 'awh' });
const signature = { signatory: '王建国', signature: '王建国' };

async function filesIn(dir: string): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).length;
}

async function list(system: TestSystem, actor: Actor, query = ''): Promise<CaseView[]> {
  const page = await json<{ items: CaseView[] }>(
    await system.call(actor, 'GET', `/api/v1/hazards?limit=100${query}`),
    200,
  );
  return page.items;
}

describe('access to cases', () => {
  let system: TestSystem;
  let registered: string;
  let rectifying: string;
  let reviewed: string;
  let photo: { id: string };
  let zjjCase: string;
  beforeAll(async () => {
    system = await startSystem({ policy: 'default' });

    registered = (await openSettled(system)).caseNo;
    rectifying = (await openSettled(system)).caseNo;
    await command(system, owner, rectifying, 'confirmation', signature);
    photo = await uploadPhoto(system, owner, rectifying, randomUUID());
    await command(system, owner, rectifying, 'extension-requests', {
      reason: '设备到货延迟',
      requestedDeadline: new Date(Date.now() + 5 * 86_400_000).toISOString(),
    });

    reviewed = (await openSettled(system)).caseNo;
    await command(system, owner, reviewed, 'confirmation', signature);
    const after = await uploadPhoto(system, owner, reviewed, randomUUID());
    await command(system, owner, reviewed, 'rectification-report', {
      summary: '已整改',
      evidenceIds: [after.id],
    });

    zjjCase = (await openSettled(system, { enterpriseId: building }, otherInspector)).caseNo;
  });
  afterAll(() => system?.stop());

  /** Sends a request that must be refused, and checks that the case and the store are untouched. */
  async function refused(
    actor: Actor,
    method: string,
    url: string,
    body: unknown,
    status: number,
    slug = status === 403 ? 'forbidden' : 'not-found',
  ) {
    const caseNo = /YH-\d{4}-\d{6}/.exec(url)?.[0];
    const events = caseNo ? await eventCount(system, caseNo) : 0;
    const files = await filesIn(system.config.evidence.dir);
    const problem = await expectNothingWritten(system, async () =>
      expectProblem(await system.call(actor, method, url, body), status, slug),
    );
    if (caseNo) expect(await eventCount(system, caseNo)).toBe(events);
    expect(await filesIn(system.config.evidence.dir)).toBe(files);
    return problem;
  }

  describe('an enterprise', () => {
    it("cannot read another enterprise's case", async () => {
      await refused(neighbour, 'GET', `/api/v1/hazards/${rectifying}`, undefined, 403);
      await json(await system.call(owner, 'GET', `/api/v1/hazards/${rectifying}`), 200);
    });

    it('lists only its own cases', async () => {
      const neighbours = (await openSettled(system, { enterpriseId: textiles })).caseNo;
      const items = await list(system, neighbour);
      expect(items.map((item) => item.caseNo)).toContain(neighbours);
      expect(new Set(items.map((item: any) => item.enterpriseId))).toEqual(new Set([textiles]));

      const own = await list(system, owner);
      expect(own.map((item) => item.caseNo)).toEqual(
        expect.arrayContaining([registered, rectifying]),
      );
      expect(own.map((item) => item.caseNo)).not.toContain(neighbours);
    });

    it("cannot list another enterprise's cases by asking for them", async () => {
      const problem = await refused(
        neighbour,
        'GET',
        `/api/v1/hazards?enterpriseId=${chemicals}`,
        undefined,
        403,
      );
      expect(problem.detail).toContain('enterpriseId');
      expect(await list(system, neighbour, '&departmentId=zjj')).toEqual([]);
      expect(await list(system, neighbour, `&enterpriseId=${textiles}`)).not.toHaveLength(0);
    });

    it("cannot confirm, report on, or ask for an extension of another enterprise's case", async () => {
      const url = (caseNo: string, step: string) => `/api/v1/hazards/${caseNo}/${step}`;
      await refused(neighbour, 'POST', url(registered, 'confirmation'), signature, 403);
      await refused(
        neighbour,
        'POST',
        url(rectifying, 'rectification-report'),
        { summary: '已整改', evidenceIds: [photo.id] },
        403,
      );
      await refused(
        neighbour,
        'POST',
        url(rectifying, 'extension-requests'),
        {
          reason: '不可抗力',
          requestedDeadline: new Date(Date.now() + 4 * 86_400_000).toISOString(),
        },
        403,
      );
    });

    it("cannot upload evidence to another enterprise's case", async () => {
      const form = evidenceForm(jpeg(randomUUID()), 'image/jpeg', '整改后.jpg');
      await refused(neighbour, 'POST', `/api/v1/hazards/${rectifying}/evidence`, form, 403);
    });

    it("cannot download another enterprise's evidence, not even through a case of its own", async () => {
      const url = `/api/v1/hazards/${rectifying}/evidence/${photo.id}`;
      await refused(neighbour, 'GET', url, undefined, 403);
      const ownCase = (await openSettled(system, { enterpriseId: textiles })).caseNo;
      await refused(
        neighbour,
        'GET',
        `/api/v1/hazards/${ownCase}/evidence/${photo.id}`,
        undefined,
        404,
      );
      expect((await system.call(owner, 'GET', url)).status).toBe(200);
    });

    it('cannot re-inspect its own case, nor decide its own extension', async () => {
      const reinspection = await refused(
        owner,
        'POST',
        `/api/v1/hazards/${reviewed}/reinspection`,
        { passed: true, findings: '自查合格' },
        403,
      );
      expect(reinspection.detail).toBe('只有本案监管部门的人员可以执行此操作');
      await refused(
        owner,
        'POST',
        `/api/v1/hazards/${rectifying}/extension-decision`,
        { approved: true, comment: '同意' },
        403,
      );
    });

    it('reads only its own entry in the enterprise register', async () => {
      const { items } = await json(await system.call(neighbour, 'GET', '/api/v1/enterprises'), 200);
      expect(items.map((item: { id: string }) => item.id)).toEqual([textiles]);
      await refused(neighbour, 'GET', `/api/v1/enterprises/${chemicals}`, undefined, 403);
    });
  });

  describe('an inspector of another department', () => {
    it('cannot open a case for an enterprise it does not supervise', async () => {
      const body = openingBody({ enterpriseId: chemicals });
      const problem = await refused(otherInspector, 'POST', '/api/v1/hazards', body, 403);
      expect(problem.detail).toBe('只能为本部门监管的企业登记隐患');
    });

    it("cannot read, re-inspect, or decide an extension on another department's case", async () => {
      await refused(otherInspector, 'GET', `/api/v1/hazards/${reviewed}`, undefined, 403);
      await refused(
        otherInspector,
        'POST',
        `/api/v1/hazards/${reviewed}/reinspection`,
        { passed: true, findings: '合格' },
        403,
      );
      await refused(
        otherInspector,
        'POST',
        `/api/v1/hazards/${rectifying}/extension-decision`,
        { approved: true, comment: '同意' },
        403,
      );
      const form = evidenceForm(jpeg(randomUUID()), 'image/jpeg', 'a.jpg');
      await refused(otherInspector, 'POST', `/api/v1/hazards/${reviewed}/evidence`, form, 403);
    });

    it("lists only its own department's cases", async () => {
      const items = await list(system, otherInspector);
      expect(items.map((item) => item.caseNo)).toContain(zjjCase);
      expect(new Set(items.map((item: any) => item.departmentId))).toEqual(new Set(['zjj']));
      expect(await list(system, otherInspector, `&enterpriseId=${chemicals}`)).toEqual([]);
      await refused(otherInspector, 'GET', '/api/v1/hazards?departmentId=yjj', undefined, 403);
    });
  });

  describe('the supervising department', () => {
    it('may decide an extension on its own case, so the refusals above are about who asks', async () => {
      const decided = await command(system, inspector, rectifying, 'extension-decision', {
        approved: false,
        comment: '理由不充分',
      });
      expect(decided.extension).toBeNull();
    });

    it('opens cases only through an inspector, not a department account', async () => {
      const staff = actorAs('department', { departmentId: 'yjj' });
      const problem = await refused(staff, 'POST', '/api/v1/hazards', openingBody(), 403);
      expect(problem.detail).toContain('inspector');
    });
  });

  describe('county bodies and other roles', () => {
    it('lets the committee office read and list every case, but not act on one', async () => {
      await json(await system.call(committeeOffice, 'GET', `/api/v1/hazards/${zjjCase}`), 200);
      const items = await list(system, committeeOffice);
      expect(items.map((item) => item.caseNo)).toEqual(
        expect.arrayContaining([registered, zjjCase]),
      );
      await refused(
        committeeOffice,
        'POST',
        `/api/v1/hazards/${reviewed}/reinspection`,
        { passed: true, findings: '合格' },
        403,
      );
    });

    it('lists to an assessor only the cases its body is assigned to, and refuses the rest', async () => {
      const listed = await json(await system.call(assessor, 'GET', '/api/v1/hazards'), 200);
      expect(listed.items.map((item: any) => item.caseNo)).not.toContain(rectifying);
      expect(
        listed.items.every((item: any) => item.assessment?.bodyId === assessor.assessorId),
      ).toBe(true);
      await refused(assessor, 'GET', `/api/v1/hazards/${rectifying}`, undefined, 403);
      await refused(
        assessor,
        'GET',
        `/api/v1/hazards/${rectifying}/evidence/${photo.id}`,
        undefined,
        403,
      );
      await refused(assessor, 'POST', `/api/v1/hazards/${registered}/confirmation`, signature, 403);
      const form = evidenceForm(jpeg(randomUUID()), 'image/jpeg', 'a.jpg');
      await refused(assessor, 'POST', `/api/v1/hazards/${rectifying}/evidence`, form, 403);
    });

    it.each([publicUser, expert])(
      'refuses the $role role the case list and every case',
      async (actor) => {
        await refused(actor, 'GET', '/api/v1/hazards', undefined, 403);
        await refused(actor, 'GET', `/api/v1/hazards/${rectifying}`, undefined, 403);
        await refused(
          actor,
          'GET',
          `/api/v1/hazards/${rectifying}/evidence/${photo.id}`,
          undefined,
          403,
        );
        await refused(actor, 'POST', `/api/v1/hazards/${registered}/confirmation`, signature, 403);
        const form = evidenceForm(jpeg(randomUUID()), 'image/jpeg', 'a.jpg');
        await refused(actor, 'POST', `/api/v1/hazards/${rectifying}/evidence`, form, 403);
      },
    );

    it.each([publicUser, assessor, expert])(
      'refuses the $role role the enterprise register',
      async (actor) => {
        await refused(actor, 'GET', '/api/v1/enterprises', undefined, 403);
        await refused(actor, 'GET', `/api/v1/enterprises/${chemicals}`, undefined, 403);
      },
    );

    it('answers a case that does not exist with 404 whatever the role', async () => {
      const everyone = [
        inspector,
        otherInspector,
        owner,
        neighbour,
        committeeOffice,
        committee,
        admin,
      ];
      for (const actor of [...everyone, publicUser, assessor, expert]) {
        await refused(actor, 'GET', '/api/v1/hazards/YH-2000-000001', undefined, 404);
      }
    });
  });
});

describe('the case list', () => {
  let system: TestSystem;
  let overdue: CaseView;
  let onTime: string;
  let zjjCase: string;
  beforeAll(async () => {
    // confirmation is due a second after registration, so a registered case soon is overdue
    const policy = {
      version: `api-access-${randomUUID()}`,
      title: '测试策略：确认期限一秒',
      dayCounting: 'calendar',
      general: {
        confirmation: 'PT1S',
        rectification: 'P3D',
        reinspection: 'P3D',
        maxExtension: 'P15D',
      },
      ladder: [{ rung: 1, after: 'PT0S', notify: ['department'] }],
    };
    const file = path.join(os.tmpdir(), `${policy.version}.json`);
    await writeFile(file, JSON.stringify(policy));
    system = await startSystem({ env: { POLICY_FILE: file } });

    overdue = await openSettled(system);
    onTime = (await openSettled(system)).caseNo;
    await command(system, owner, onTime, 'confirmation', signature);
    zjjCase = (await openSettled(system, { enterpriseId: building }, otherInspector)).caseNo;
  });
  afterAll(() => system?.stop());

  const caseNos = (items: CaseView[]) => items.map((item) => item.caseNo);

  it('filters by state', async () => {
    const items = await list(system, committeeOffice, '&state=rectifying');
    expect(caseNos(items)).toContain(onTime);
    expect(caseNos(items)).not.toContain(overdue.caseNo);
    expect(items.every((item) => item.status === 'rectifying')).toBe(true);
  });

  it('filters by level', async () => {
    expect(caseNos(await list(system, committeeOffice, '&level=general'))).toEqual(
      expect.arrayContaining([overdue.caseNo, onTime, zjjCase]),
    );
    const major = await list(system, committeeOffice, '&level=major');
    expect(major.every((item: any) => item.level === 'major')).toBe(true);
    expect(caseNos(major)).not.toContain(overdue.caseNo);
  });

  it('filters by enterprise and by department', async () => {
    const byEnterprise = await list(system, committeeOffice, `&enterpriseId=${building}`);
    expect(caseNos(byEnterprise)).toContain(zjjCase);
    expect(byEnterprise.every((item: any) => item.enterpriseId === building)).toBe(true);

    const byDepartment = await list(system, committeeOffice, '&departmentId=yjj');
    expect(caseNos(byDepartment)).toEqual(expect.arrayContaining([overdue.caseNo, onTime]));
    expect(caseNos(byDepartment)).not.toContain(zjjCase);
    expect(byDepartment.every((item: any) => item.departmentId === 'yjj')).toBe(true);
  });

  it('filters by whether the current step is overdue', async () => {
    const wait = Date.parse(overdue.step!.deadline) + 20 - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));

    const late = await list(system, committeeOffice, '&overdue=true');
    expect(caseNos(late)).toContain(overdue.caseNo);
    expect(caseNos(late)).not.toContain(onTime);
    expect(late.every((item: any) => item.overdue === true)).toBe(true);

    const inTime = await list(system, committeeOffice, '&overdue=false');
    expect(caseNos(inTime)).toContain(onTime);
    expect(caseNos(inTime)).not.toContain(overdue.caseNo);
    expect(inTime.every((item: any) => item.overdue === false)).toBe(true);
  });

  it('pages newest first by cursor, showing every case once', async () => {
    const body = '91330100MA2PG000';
    const code = `${body}1${creditCodeCheckChar(`${body}1`)}`;
    await json(
      await system.call(admin, 'POST', '/api/v1/enterprises', {
        name: '分页测试五金厂',
        creditCode: code,
        industry: '工贸',
        township: '城关镇',
        departmentId: 'yjj',
        responsible: { name: '甲', email: 'jia@wujin.example' },
        safetyManager: { name: '乙', email: 'yi@wujin.example' },
      }),
      201,
    );
    const opened: CaseView[] = [];
    for (let i = 0; i < 5; i += 1) opened.push(await openSettled(system, { enterpriseId: code }));

    const seen: string[] = [];
    const sizes: number[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const query: string = `?enterpriseId=${code}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page: { items: CaseView[]; nextCursor: string | null } = await json(
        await system.call(committeeOffice, 'GET', `/api/v1/hazards${query}`),
        200,
      );
      seen.push(...caseNos(page.items));
      sizes.push(page.items.length);
      cursor = page.nextCursor;
    }

    expect(sizes).toEqual([2, 2, 1]);
    expect(seen).toEqual(caseNos(opened).reverse());
  });

  it('refuses a malformed cursor with 400', async () => {
    const encode = (value: string) => Buffer.from(value).toString('base64url');
    for (const cursor of [
      '%%%',
      encode('{}'),
      encode('["yesterday","YH-2026-000001"]'),
      encode('null'),
    ]) {
      const response = await system.call(
        committeeOffice,
        'GET',
        `/api/v1/hazards?cursor=${cursor}`,
      );
      const problem = await expectProblem(response, 400, 'bad-request');
      expect(problem.detail).toContain('cursor');
    }
  });

  it('names an unknown filter, a bad value or a bad limit with 400', async () => {
    const cases: [string, string][] = [
      ['status=closed', 'status'],
      ['state=open', 'state'],
      ['level=minor', 'level'],
      ['overdue=yes', 'overdue'],
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['limit=ten', 'limit'],
      [`cursor=${'a'.repeat(201)}`, 'cursor'],
    ];
    for (const [query, field] of cases) {
      const response = await system.call(committeeOffice, 'GET', `/api/v1/hazards?${query}`);
      const problem = await expectProblem(response, 400, 'validation');
      expect([query, problem.errors?.map((e) => e.path)]).toEqual([query, [field]]);
    }
  });
});
