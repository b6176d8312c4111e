import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
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

let system: TestSystem;
beforeAll(async () => {
  system = await startSystem({ policy: 'default' });
});
afterAll(() => system?.stop());

const owner = enterpriseUser();
const open = (body: unknown, headers?: Record<string, string>) =>
  system.call(inspector, 'POST', '/api/v1/hazards', body, headers);
const paths = (problem: { errors?: { path: string }[] }) => problem.errors?.map((e) => e.path);

async function confirmed(): Promise<string> {
  const { caseNo } = await openSettled(system);
  await command(system, owner, caseNo, 'confirmation', {
    signatory: '王建国',
    signature: '王建国',
  });
  return caseNo;
}

async function underReview(): Promise<string> {
  const caseNo = await confirmed();
  const photo = await uploadPhoto(system, owner, caseNo, randomUUID());
  await command(system, owner, caseNo, 'rectification-report', {
    summary: '已整改',
    evidenceIds: [photo.id],
  });
  return caseNo;
}

describe('opening a case with malformed input', () => {
  it('answers a body that is not valid JSON with 400', async () => {
    const problem = await expectNothingWritten(system, async () =>
      expectProblem(await open('{"enterpriseId": "'), 400, 'bad-request'),
    );
    expect(problem.detail).toMatch(/JSON/);
  });

  it('answers a body of another media type with 415', async () => {
    const body = JSON.stringify(openingBody());
    const problem = await expectNothingWritten(system, async () =>
      expectProblem(
        await open(body, { 'content-type': 'text/plain' }),
        415,
        'unsupported-media-type',
      ),
    );
    expect(problem.detail).toMatch(/application\/json/);
  });

  it('answers a JSON body in an unsupported charset with 415', async () => {
    const body = JSON.stringify(openingBody());
    const headers = { 'content-type': 'application/json; charset=latin9' };
    await expectNothingWritten(system, async () =>
      expectProblem(await open(body, headers), 415, 'unsupported-media-type'),
    );
  });

  it('answers a JSON array with 400 about the body as a whole', async () => {
    const problem = await expectNothingWritten(system, async () =>
      expectProblem(await open([openingBody()]), 400, 'validation'),
    );
    expect(paths(problem)).toEqual(['(body)']);
  });

  it('names every missing field in errors and in detail', async () => {
    const problem = await expectNothingWritten(system, async () =>
      expectProblem(await open({}), 400, 'validation'),
    );
    const required = [
      'enterpriseId',
      'level',
      'source',
      'title',
      'description',
      'location',
      'foundAt',
    ];
    expect(paths(problem)?.sort()).toEqual([...required].sort());
    for (const field of required) expect(problem.detail).toContain(field);
  });

  it('names an unknown field rather than ignoring it', async () => {
    const problem = await expectNothingWritten(system, async () =>
      expectProblem(await open({ ...openingBody(), severity: 'high' }), 400, 'validation'),
    );
    expect(paths(problem)).toEqual(['severity']);
    expect(problem.detail).toContain('severity');
  });

  it('names each field of the wrong type or shape', async () => {
    const body = openingBody({
      level: 'critical',
      source: 'rumour',
      title: '   ',
      foundAt: '昨天',
    });
    const problem = await expectNothingWritten(system, async () =>
      expectProblem(await open(body), 400, 'validation'),
    );
    expect(paths(problem)?.sort()).toEqual(['foundAt', 'level', 'source', 'title']);
  });

  it('refuses a foundAt in the future with 422 naming foundAt', async () => {
    const foundAt = new Date(Date.now() + 3_600_000).toISOString();
    const problem = await expectNothingWritten(system, async () =>
      expectProblem(await open(openingBody({ foundAt })), 422, 'unprocessable'),
    );
    expect(paths(problem)).toEqual(['foundAt']);
  });

  it('refuses an enterprise that is not on the record with 422 naming it', async () => {
    const enterpriseId = `91330100MA2XX999${creditCodeCheckChar('91330100MA2XX9999')}`;
    const body = openingBody({ enterpriseId });
    const problem = await expectNothingWritten(system, async () =>
      expectProblem(await open(body), 422, 'unprocessable'),
    );
    expect(problem.detail).toContain(enterpriseId);
    expect(paths(problem)).toEqual(['enterpriseId']);
  });

  it('refuses a malformed Idempotency-Key with 400', async () => {
    const headers = { 'Idempotency-Key': 'has spaces in it' };
    const problem = await expectNothingWritten(system, async () =>
      expectProblem(await open(openingBody(), headers), 400, 'bad-request'),
    );
    expect(problem.detail).toContain('Idempotency-Key');
  });
});

describe('the case number in a path', () => {
  const someUuid = randomUUID();
  const routes: [string, string, (caseNo: string) => string, () => unknown][] = [
    ['GET', 'the case', (no) => `/api/v1/hazards/${no}`, () => undefined],
    [
      'POST',
      'a command',
      (no) => `/api/v1/hazards/${no}/confirmation`,
      () => ({ signatory: '王建国', signature: '王建国' }),
    ],
    [
      'POST',
      'an upload',
      (no) => `/api/v1/hazards/${no}/evidence`,
      () => evidenceForm(jpeg('path'), 'image/jpeg', 'a.jpg'),
    ],
    ['GET', 'a download', (no) => `/api/v1/hazards/${no}/evidence/${someUuid}`, () => undefined],
  ];

  it.each(routes)(
    'is checked on %s of %s: a malformed one is 400',
    async (method, _name, path, body) => {
      for (const caseNo of ['YH-26-1', 'yh-2026-000001', 'YH-2026-0000001']) {
        const problem = await expectNothingWritten(system, async () =>
          expectProblem(await system.call(owner, method, path(caseNo), body()), 400, 'validation'),
        );
        expect(paths(problem)).toEqual(['caseNo']);
      }
    },
  );

  const everyone: Actor[] = [
    inspector,
    otherInspector,
    actorAs('department', { departmentId: 'yjj' }),
    owner,
    enterpriseUser(textiles),
    committeeOffice,
    actorAs('committee', { departmentId: 'awh' }),
    admin,
    assessor,
    actorAs('expert'),
    publicUser,
  ];

  it.each(routes)(
    'is checked on %s of %s: an unknown one is 404 for every role',
    async (method, _name, path, body) => {
      for (const actor of everyone) {
        const problem = await expectNothingWritten(system, async () =>
          expectProblem(
            await system.call(actor, method, path('YH-2000-999999'), body()),
            404,
            'not-found',
          ),
        );
        expect(problem.detail).toContain('YH-2000-999999');
      }
    },
  );

  it('refuses a malformed evidence id with 400 naming id', async () => {
    const { caseNo } = await openSettled(system);
    const response = await system.call(owner, 'GET', `/api/v1/hazards/${caseNo}/evidence/photo-1`);
    const problem = await expectProblem(response, 400, 'validation');
    expect(paths(problem)).toEqual(['id']);
  });
});

describe('registering reference data', () => {
  const department = {
    name: '县交通运输局',
    kind: 'supervising',
    escalationEmail: 'duban@jtj.example',
  };
  const enterprise = (creditCode: string) => ({
    name: '某某机械厂',
    creditCode,
    industry: '工贸',
    township: '城关镇',
    departmentId: 'yjj',
    responsible: { name: '陈一', email: 'chen@jixie.example' },
    safetyManager: { name: '林二', email: 'lin@jixie.example' },
  });
  const body17 = '91330100MA2JX0009';

  it('refuses a credit code whose check character is wrong with 400 naming creditCode', async () => {
    const right = creditCodeCheckChar(body17);
    const wrong = right === '0' ? '1' : '0';
    const problem = await expectNothingWritten(system, async () =>
      expectProblem(
        await system.call(admin, 'POST', '/api/v1/enterprises', enterprise(body17 + wrong)),
        400,
        'validation',
      ),
    );
    expect(paths(problem)).toEqual(['creditCode']);
    expect(problem.detail).toContain('creditCode');
  });

  it('refuses a credit code already registered with 409', async () => {
    const problem = await expectNothingWritten(system, async () =>
      expectProblem(
        await system.call(admin, 'POST', '/api/v1/enterprises', enterprise(chemicals)),
        409,
        'conflict',
      ),
    );
    expect(problem.detail).toContain(chemicals);
  });

  it('refuses an enterprise under a body that supervises none with 422', async () => {
    const input = { ...enterprise(body17 + creditCodeCheckChar(body17)), departmentId: 'awb' };
    const problem = await expectNothingWritten(system, async () =>
      expectProblem(
        await system.call(admin, 'POST', '/api/v1/enterprises', input),
        422,
        'unprocessable',
      ),
    );
    expect(problem.detail).toContain('awb');
  });

  it('refuses a department id that exists with 409', async () => {
    const problem = await expectNothingWritten(system, async () =>
      expectProblem(
        await system.call(admin, 'POST', '/api/v1/departments', { id: 'yjj', ...department }),
        409,
        'conflict',
      ),
    );
    expect(problem.detail).toContain('yjj');
  });

  it('names each malformed field of a department', async () => {
    const input = {
      id: 'Jiao Tong',
      name: '县交通运输局',
      kind: 'bureau',
      escalationEmail: 'duban',
    };
    const problem = await expectNothingWritten(system, async () =>
      expectProblem(
        await system.call(admin, 'POST', '/api/v1/departments', input),
        400,
        'validation',
      ),
    );
    expect(paths(problem)?.sort()).toEqual(['escalationEmail', 'id', 'kind']);
  });

  it('accepts a new department and enterprise, so the refusals above were about their input', async () => {
    const created = await system.call(admin, 'POST', '/api/v1/departments', {
      id: 'jtj',
      ...department,
    });
    expect(created.status).toBe(201);
    const code = body17 + creditCodeCheckChar(body17);
    const registered = await system.call(admin, 'POST', '/api/v1/enterprises', enterprise(code));
    expect(await json(registered, 201)).toMatchObject({ id: code, creditCode: code });
  });
});

describe('a command the case cannot take', () => {
  const refused = async (
    actor: Actor,
    caseNo: string,
    path: string,
    body: unknown,
    status: number,
    slug: string,
  ) => {
    const events = await eventCount(system, caseNo);
    const problem = await expectNothingWritten(system, async () =>
      expectProblem(
        await system.call(actor, 'POST', `/api/v1/hazards/${caseNo}/${path}`, body),
        status,
        slug,
      ),
    );
    expect(await eventCount(system, caseNo)).toBe(events);
    return problem;
  };

  it('refuses a re-inspection of a registered case with 409 and the reason', async () => {
    const { caseNo } = await openSettled(system);
    const problem = await refused(
      inspector,
      caseNo,
      'reinspection',
      { passed: true, findings: '合格' },
      409,
      'conflict',
    );
    expect(problem.detail).toBe('当前没有待复查的整改');
  });

  it('refuses a second confirmation with 409 and the reason', async () => {
    const caseNo = await confirmed();
    const body = { signatory: '王建国', signature: '王建国' };
    const problem = await refused(owner, caseNo, 'confirmation', body, 409, 'conflict');
    expect(problem.detail).toBe('隐患已经确认');
  });

  it('refuses an extension request before confirmation with 409', async () => {
    const { caseNo } = await openSettled(system);
    const body = {
      reason: '设备到货延迟',
      requestedDeadline: new Date(Date.now() + 5 * 86_400_000).toISOString(),
    };
    const problem = await refused(owner, caseNo, 'extension-requests', body, 409, 'conflict');
    expect(problem.detail).toBe('只有整改期间可以申请延期');
  });

  it("refuses an extension longer than the policy's maxExtension with 422", async () => {
    const caseNo = await confirmed();
    const { step } = await json(await system.call(owner, 'GET', `/api/v1/hazards/${caseNo}`), 200);
    const deadline = Date.parse(step.deadline);
    const tooLate = new Date(deadline + 16 * 86_400_000).toISOString();
    const problem = await refused(
      owner,
      caseNo,
      'extension-requests',
      { reason: '设备到货延迟', requestedDeadline: tooLate },
      422,
      'unprocessable',
    );
    expect(problem.detail).toContain(system.api.deps.policy.general.maxExtension);

    const longest = new Date(deadline + 15 * 86_400_000).toISOString();
    const accepted = await command(system, owner, caseNo, 'extension-requests', {
      reason: '设备到货延迟',
      requestedDeadline: longest,
    });
    expect(accepted.extension).toMatchObject({ requestedDeadline: longest });
  });

  it('refuses an extension deadline that is not after the current one with 422', async () => {
    const caseNo = await confirmed();
    const body = { reason: '设备到货延迟', requestedDeadline: new Date().toISOString() };
    const problem = await refused(owner, caseNo, 'extension-requests', body, 422, 'unprocessable');
    expect(problem.detail).toBe('申请的期限必须晚于当前整改期限');
  });

  it('refuses a decision when no extension is pending with 409', async () => {
    const caseNo = await confirmed();
    const body = { approved: true, comment: '同意' };
    const problem = await refused(inspector, caseNo, 'extension-decision', body, 409, 'conflict');
    expect(problem.detail).toBe('没有待审批的延期申请');
  });

  it('refuses a rectification report citing evidence of another case with 422', async () => {
    const caseNo = await confirmed();
    const other = await confirmed();
    const foreign = await uploadPhoto(system, owner, other, randomUUID());
    const own = await uploadPhoto(system, owner, caseNo, randomUUID());

    for (const evidenceIds of [[foreign.id], [own.id, foreign.id], [randomUUID()]]) {
      const body = { summary: '已整改', evidenceIds };
      const problem = await refused(
        owner,
        caseNo,
        'rectification-report',
        body,
        422,
        'unprocessable',
      );
      expect(paths(problem)).toEqual(['evidenceIds']);
    }
  });

  it('names each malformed field of a command body with 400', async () => {
    const caseNo = await underReview();
    const body = { passed: 'yes', findings: '', rectificationLimit: 'three days', extra: 1 };
    const problem = await refused(inspector, caseNo, 'reinspection', body, 400, 'validation');
    expect(paths(problem)?.sort()).toEqual(['extra', 'findings', 'passed', 'rectificationLimit']);
  });

  it('refuses a command body that is not JSON with 415', async () => {
    const caseNo = await underReview();
    const events = await eventCount(system, caseNo);
    await expectNothingWritten(system, async () =>
      expectProblem(
        await system.call(
          inspector,
          'POST',
          `/api/v1/hazards/${caseNo}/reinspection`,
          'passed=true&findings=ok',
          { 'content-type': 'application/x-www-form-urlencoded' },
        ),
        415,
        'unsupported-media-type',
      ),
    );
    expect(await eventCount(system, caseNo)).toBe(events);
  });

  it('refuses any command on a closed case with 409, and any further evidence', async () => {
    const caseNo = await underReview();
    await command(system, inspector, caseNo, 'reinspection', {
      passed: true,
      findings: '复查合格',
    });

    const again = await refused(
      inspector,
      caseNo,
      'reinspection',
      { passed: true, findings: '再次复查' },
      409,
      'conflict',
    );
    expect(again.detail).toMatch(/销号/);
    const confirm = { signatory: '王建国', signature: '王建国' };
    await refused(owner, caseNo, 'confirmation', confirm, 409, 'conflict');

    await expectNothingWritten(system, async () =>
      expectProblem(
        await system.call(
          owner,
          'POST',
          `/api/v1/hazards/${caseNo}/evidence`,
          evidenceForm(jpeg(randomUUID()), 'image/jpeg', 'late.jpg'),
        ),
        409,
        'conflict',
      ),
    );
  });
});

describe('routes and tokens', () => {
  it('answers an unknown route with a 404 problem', async () => {
    await expectProblem(await system.call(null, 'GET', '/nothing-here'), 404, 'not-found');
    await expectProblem(
      await system.call(inspector, 'GET', '/api/v1/nothing-here'),
      404,
      'not-found',
    );
    const problem = await expectProblem(
      await system.call(inspector, 'DELETE', `/api/v1/hazards`),
      404,
      'not-found',
    );
    expect(problem.detail).toContain('DELETE');
  });

  it('answers a request without a bearer token with 401 and a challenge', async () => {
    for (const authorization of [
      undefined,
      'Basic aW5zcGVjdG9yOnNlY3JldA==',
      'Bearer',
      'Bearer   ',
    ]) {
      const headers: Record<string, string> = authorization ? { authorization } : {};
      const response = await system.call(null, 'GET', '/api/v1/hazards', undefined, headers);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
      await expectProblem(response, 401, 'unauthorized');
    }
  });

  it('answers an invalid token with 401, without writing anything', async () => {
    const secret = new TextEncoder().encode(system.env.JWT_SECRET);
    const sign = (claims: Record<string, unknown>, key = secret, expires: number | string = '1h') =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('inspector-yjj')
        .setIssuedAt()
        .setExpirationTime(expires)
        .sign(key);
    const claims = { name: '检查员', role: 'inspector', dept: 'yjj' };
    const now = Math.floor(Date.now() / 1000);
    const tokens = {
      'not a JWT': 'not-a-jwt',
      'signed with another key': await sign(claims, new TextEncoder().encode('x'.repeat(32))),
      expired: await sign(claims, secret, now - 60),
      'an unknown role': await sign({ ...claims, role: 'mayor' }),
      'staff without a department': await sign({ name: '检查员', role: 'inspector' }),
      'an enterprise without its enterprise': await sign({ name: '企业', role: 'enterprise' }),
    };

    for (const [what, token] of Object.entries(tokens)) {
      const response = await expectNothingWritten(system, () =>
        fetch(`${system.api.url}/api/v1/hazards`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(openingBody()),
        }),
      );
      expect([what, response.headers.get('www-authenticate')]).toEqual([
        what,
        expect.stringMatching(/^Bearer\b/),
      ]);
      const problem = await expectProblem(response, 401, 'unauthorized');
      expect(problem.detail).not.toMatch(/[{}[\]]/);
    }
  });
});
