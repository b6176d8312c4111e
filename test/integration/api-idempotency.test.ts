import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../../api/app';
import {
  eventCount,
  evidenceForm,
  expectNothingWritten,
  expectProblem,
  jpeg,
  openingBody,
  openSettled,
  rowCounts,
  settle,
} from '../support/api';
import { command, enterpriseUser, inspector, json } from '../support/cases';
import { startSystem, TestSystem } from '../support/system';

const MAX_BYTES = 4096;
const owner = enterpriseUser();
const signature = { signatory: '王建国', signature: '王建国' };

let system: TestSystem;
beforeAll(async () => {
  // a store under a hidden folder, as under ~/.local: files there must still be served
  const hidden = await mkdtemp(path.join(os.tmpdir(), '.evidence-'));
  system = await startSystem({
    policy: 'default',
    env: { EVIDENCE_MAX_BYTES: String(MAX_BYTES), EVIDENCE_DIR: path.join(hidden, 'store') },
  });
});
afterAll(() => system?.stop());

const withKey = (key: string) => ({ 'Idempotency-Key': key });
const upload = (caseNo: string, form: FormData, actor = owner) =>
  system.call(actor, 'POST', `/api/v1/hazards/${caseNo}/evidence`, form);

async function storedFiles(): Promise<number> {
  const entries = await readdir(system.config.evidence.dir, {
    recursive: true,
    withFileTypes: true,
  }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).length;
}

describe('opening a case with an Idempotency-Key', () => {
  it('answers a repeat with the same body as the first time, and opens one case', async () => {
    const body = openingBody();
    const key = randomUUID();
    const before = await rowCounts(system);

    const first = await system.call(inspector, 'POST', '/api/v1/hazards', body, withKey(key));
    const opened = await json(first, 201);
    expect(first.headers.get('idempotency-replayed')).toBeNull();
    await settle(system, opened.caseNo);

    const again = await system.call(inspector, 'POST', '/api/v1/hazards', body, withKey(key));
    expect(again.headers.get('idempotency-replayed')).toBe('true');
    expect(await json(again, 201)).toEqual(opened);

    const after = await rowCounts(system);
    expect(after.hazard_case - before.hazard_case).toBe(1);
    expect(after.workflows - before.workflows).toBe(1);
  });

  it('refuses the same key with another body with 422, writing nothing', async () => {
    const key = randomUUID();
    const opened = await json(
      await system.call(inspector, 'POST', '/api/v1/hazards', openingBody(), withKey(key)),
      201,
    );
    await settle(system, opened.caseNo);

    const problem = await expectNothingWritten(system, async () =>
      expectProblem(
        await system.call(
          inspector,
          'POST',
          '/api/v1/hazards',
          openingBody({ title: '另一处隐患' }),
          withKey(key),
        ),
        422,
        'unprocessable',
      ),
    );
    expect(problem.detail).toContain('Idempotency-Key');
  });

  it('keeps one key apart for each caller', async () => {
    const body = openingBody();
    const key = randomUUID();
    const colleague = { ...inspector, id: 'inspector-yjj-2' };
    const mine = await json(
      await system.call(inspector, 'POST', '/api/v1/hazards', body, withKey(key)),
      201,
    );
    const theirs = await json(
      await system.call(colleague, 'POST', '/api/v1/hazards', body, withKey(key)),
      201,
    );
    expect(theirs.caseNo).not.toBe(mine.caseNo);
    await Promise.all([settle(system, mine.caseNo), settle(system, theirs.caseNo)]);
  });

  it('opens one case when the same request arrives twice at once', async () => {
    const body = openingBody();
    const key = randomUUID();
    const before = await rowCounts(system);

    const responses = await Promise.all(
      [1, 2].map(() => system.call(inspector, 'POST', '/api/v1/hazards', body, withKey(key))),
    );
    const statuses = responses.map((response) => response.status).sort();
    expect([
      [201, 201],
      [201, 409],
    ]).toContainEqual(statuses);
    const created = responses.find((response) => response.status === 201)!;
    const { caseNo } = await json(created, 201);
    const other = responses.find((response) => response !== created)!;
    if (other.status === 409) await expectProblem(other, 409, 'conflict');
    else expect((await json(other, 201)).caseNo).toBe(caseNo);
    await settle(system, caseNo);

    const after = await rowCounts(system);
    expect(after.hazard_case - before.hazard_case).toBe(1);
    expect(after.workflows - before.workflows).toBe(1);
  });

  it('answers a repeat of a refused request with the same problem, without running it again', async () => {
    const body = openingBody({ foundAt: new Date(Date.now() + 3_600_000).toISOString() });
    const key = randomUUID();
    const before = await rowCounts(system);

    const first = await system.call(inspector, 'POST', '/api/v1/hazards', body, withKey(key));
    const refusal = await expectProblem(first, 422, 'unprocessable');
    const again = await system.call(inspector, 'POST', '/api/v1/hazards', body, withKey(key));
    expect(again.status).toBe(422);
    expect(again.headers.get('idempotency-replayed')).toBe('true');
    expect(again.headers.get('content-type')).toMatch(/^application\/problem\+json\b/);
    expect(await again.json()).toEqual(refusal);

    expect(await rowCounts(system)).toEqual({
      ...before,
      idempotency_record: before.idempotency_record + 1,
    });
  });
});

describe('a command retried with the same Idempotency-Key', () => {
  it('is answered as the first time and applied once', async () => {
    const { caseNo } = await openSettled(system);
    const key = randomUUID();
    const url = `/api/v1/hazards/${caseNo}/confirmation`;

    const first = await system.call(owner, 'POST', url, signature, withKey(key));
    const confirmed = await json(first, 200);
    const events = await eventCount(system, caseNo);
    const again = await system.call(owner, 'POST', url, signature, withKey(key));
    expect(again.headers.get('idempotency-replayed')).toBe('true');
    expect(await json(again, 200)).toEqual(confirmed);
    expect(await eventCount(system, caseNo)).toBe(events);

    // without the key the same command is a second confirmation, which the case refuses
    await expectProblem(await system.call(owner, 'POST', url, signature), 409, 'conflict');
    const record = await json(await system.call(owner, 'GET', `/api/v1/hazards/${caseNo}`), 200);
    const types = record.timeline.map((event: { type: string }) => event.type);
    expect(types.filter((type: string) => type === 'confirmed')).toHaveLength(1);
  });

  it('is still applied once when the stored answer is gone, by its Temporal update id', async () => {
    const { caseNo } = await openSettled(system);
    const key = randomUUID();
    const url = `/api/v1/hazards/${caseNo}/confirmation`;
    await json(await system.call(owner, 'POST', url, signature, withKey(key)), 200);
    await system.em().execute('delete from idempotency_record where key = ?', [key]);
    const events = await eventCount(system, caseNo);

    const retried = await system.call(owner, 'POST', url, signature, withKey(key));
    expect(await json(retried, 200)).toMatchObject({ caseNo, status: 'rectifying' });
    expect(await eventCount(system, caseNo)).toBe(events);
  });

  it('is refused with 422 when the key was used for another command', async () => {
    const { caseNo } = await openSettled(system);
    const key = randomUUID();
    await command(system, owner, caseNo, 'confirmation', signature);
    const report = {
      reason: '设备到货延迟',
      requestedDeadline: new Date(Date.now() + 4 * 86_400_000).toISOString(),
    };
    await json(
      await system.call(
        owner,
        'POST',
        `/api/v1/hazards/${caseNo}/extension-requests`,
        report,
        withKey(key),
      ),
      200,
    );
    await expectNothingWritten(system, async () =>
      expectProblem(
        await system.call(
          owner,
          'POST',
          `/api/v1/hazards/${caseNo}/confirmation`,
          signature,
          withKey(key),
        ),
        422,
        'unprocessable',
      ),
    );
  });
});

describe('evidence', () => {
  let caseNo: string;
  beforeAll(async () => {
    caseNo = (await openSettled(system)).caseNo;
    await command(system, owner, caseNo, 'confirmation', signature);
  });

  it('is stored once when the same file is uploaded twice: the second answer is 200', async () => {
    const content = jpeg(randomUUID());
    const before = await rowCounts(system);
    const first = await json(
      await upload(caseNo, evidenceForm(content, 'image/jpeg', '整改前.jpg')),
      201,
    );
    const second = await json(
      await upload(caseNo, evidenceForm(content, 'image/jpeg', '整改前-副本.jpg')),
      200,
    );
    expect(second.id).toBe(first.id);
    const after = await rowCounts(system);
    expect(after.evidence - before.evidence).toBe(1);
    expect(after.case_event - before.case_event).toBe(1);
  });

  it('is a record of each case, even when two cases hold the same file', async () => {
    const other = (await openSettled(system)).caseNo;
    const content = jpeg(randomUUID());
    const here = await json(
      await upload(caseNo, evidenceForm(content, 'image/jpeg', 'a.jpg')),
      201,
    );
    const there = await json(
      await upload(other, evidenceForm(content, 'image/jpeg', 'a.jpg')),
      201,
    );
    expect(there.id).not.toBe(here.id);
    expect(there.sha256).toBe(here.sha256);
  });

  it('is refused with 415 when its content is not JPEG, PNG, WebP or PDF, whatever its name', async () => {
    const files = await storedFiles();
    const text = Buffer.from('这不是图片，只是一段文字');
    const problem = await expectNothingWritten(system, async () =>
      expectProblem(
        await upload(caseNo, evidenceForm(text, 'image/jpeg', '照片.jpg')),
        415,
        'unsupported-media-type',
      ),
    );
    expect(problem.detail).toContain('image/jpeg');
    expect(await storedFiles()).toBe(files);
  });

  it('is recognised by its content, not by the type or name it is sent with', async () => {
    const pdf = Buffer.from(`%PDF-1.7\n% 检测报告 ${randomUUID()}\n%%EOF\n`);
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.from(randomUUID()),
    ]);
    const webp = Buffer.concat([
      Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 ', 'latin1'),
      Buffer.from(randomUUID()),
    ]);
    for (const [content, mediaType] of [
      [pdf, 'application/pdf'],
      [png, 'image/png'],
      [webp, 'image/webp'],
    ] as const) {
      const stored = await json(
        await upload(caseNo, evidenceForm(content, 'image/jpeg', 'scan.jpg')),
        201,
      );
      expect(stored).toMatchObject({ mediaType, sizeBytes: content.length });
    }
  });

  it('is refused with 413 over EVIDENCE_MAX_BYTES, and accepted at the limit', async () => {
    const files = await storedFiles();
    const tooLarge = Buffer.concat([jpeg(randomUUID()), Buffer.alloc(MAX_BYTES)]);
    await expectNothingWritten(system, async () =>
      expectProblem(
        await upload(caseNo, evidenceForm(tooLarge, 'image/jpeg', 'big.jpg')),
        413,
        'too-large',
      ),
    );
    expect(await storedFiles()).toBe(files);

    const head = jpeg(randomUUID());
    const atLimit = Buffer.concat([head, Buffer.alloc(MAX_BYTES - head.length)]);
    const stored = await json(
      await upload(caseNo, evidenceForm(atLimit, 'image/jpeg', 'limit.jpg')),
      201,
    );
    expect(stored.sizeBytes).toBe(MAX_BYTES);
  });

  it('is refused with 400 without a file or with an unknown kind, and 415 unless multipart', async () => {
    const noFile = new FormData();
    noFile.set('kind', 'photo_after');
    const missing = await expectNothingWritten(system, async () =>
      expectProblem(await upload(caseNo, noFile), 400, 'bad-request'),
    );
    expect(missing.detail).toContain('file');

    const badKind = evidenceForm(jpeg(randomUUID()), 'image/jpeg', 'a.jpg', 'selfie');
    const kind = await expectNothingWritten(system, async () =>
      expectProblem(await upload(caseNo, badKind), 400, 'validation'),
    );
    expect(kind.errors?.map((e) => e.path)).toEqual(['kind']);

    await expectNothingWritten(system, async () =>
      expectProblem(
        await system.call(
          owner,
          'POST',
          `/api/v1/hazards/${caseNo}/evidence`,
          jpeg('raw').toString('latin1'),
          {
            'content-type': 'image/jpeg',
          },
        ),
        415,
        'unsupported-media-type',
      ),
    );
  });

  it('is downloaded with the same bytes and media type it was stored with', async () => {
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.from(randomUUID()),
    ]);
    const stored = await json(
      await upload(caseNo, evidenceForm(png, 'application/octet-stream', '整改后 1.png')),
      201,
    );

    for (const actor of [owner, inspector]) {
      const response = await system.call(
        actor,
        'GET',
        `/api/v1/hazards/${caseNo}/evidence/${stored.id}`,
      );
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('image/png');
      expect(response.headers.get('cache-control')).toBe('private, no-cache');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('content-disposition')).toBe(
        `inline; filename*=UTF-8''${encodeURIComponent('整改后 1.png')}`,
      );
      expect(Buffer.from(await response.arrayBuffer()).equals(png)).toBe(true);
    }
  });

  it('is not found under a case it does not belong to', async () => {
    const stored = await json(
      await upload(caseNo, evidenceForm(jpeg(randomUUID()), 'image/jpeg', 'x.jpg')),
      201,
    );
    const other = (await openSettled(system)).caseNo;
    await expectProblem(
      await system.call(inspector, 'GET', `/api/v1/hazards/${other}/evidence/${stored.id}`),
      404,
      'not-found',
    );
    await expectProblem(
      await system.call(inspector, 'GET', `/api/v1/hazards/${caseNo}/evidence/${randomUUID()}`),
      404,
      'not-found',
    );
  });
});

/** Every METHOD /path the app routes, with Express's :params written as OpenAPI {params}. */
function servedRoutes(stack: any[], prefix = ''): string[] {
  return stack.flatMap((layer: any) => {
    if (layer.route) {
      const route = `${prefix}${layer.route.path}`.replace(/:(\w+)/g, '{$1}');
      return Object.keys(layer.route.methods).map((method) => `${method.toUpperCase()} ${route}`);
    }
    if (Array.isArray(layer.handle?.stack)) {
      const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
      return servedRoutes(layer.handle.stack, prefix + mount);
    }
    return [];
  });
}

describe('the service endpoints', () => {
  it('answers /healthz and /readyz with 200 while PostgreSQL and Temporal answer', async () => {
    expect(await json(await system.call(null, 'GET', '/healthz'), 200)).toEqual({ status: 'ok' });
    expect(await json(await system.call(null, 'GET', '/readyz'), 200)).toEqual({
      status: 'ready',
      database: 'ok',
      temporal: 'ok',
    });
  });

  it('describes every /api/v1 route the app serves in an OpenAPI 3.1 document, and no other', async () => {
    const document = await json(await system.call(null, 'GET', '/openapi.json'), 200);
    expect(document.openapi).toBe('3.1.0');

    const documented = Object.entries(document.paths as Record<string, object>).flatMap(
      ([route, operations]) =>
        Object.keys(operations).map((method) => `${method.toUpperCase()} ${route}`),
    );
    const app = createApp(system.api.deps);
    const served = servedRoutes((app as any).router.stack).filter((route) =>
      route.includes(' /api/v1/'),
    );
    expect(served.length).toBeGreaterThan(10);
    expect([...documented].sort()).toEqual([...new Set(served)].sort());
  });

  it('serves the API documentation as HTML, with its assets', async () => {
    const page = await system.call(null, 'GET', '/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('/openapi.json');

    for (const asset of html.matchAll(/(?:src|href)="(\/docs\/assets\/[^"]+)"/g)) {
      const response = await system.call(null, 'GET', asset[1]!);
      expect([asset[1], response.status]).toEqual([asset[1], 200]);
    }
  });
});
