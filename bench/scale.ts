// Open-case scale: K open cases with pending timers; worker memory, time to open them, and the
// API's filtered list query against the same query in raw SQL.
import { creditCodeCheckChar } from '../domain/credit-code';
import type { Actor } from '../domain/hazard';
import { caseBody, closedLoop, openViaApi } from './lib/cases';
import { defaultPolicy } from './lib/policies';
import { envInt, publish, quantile, round, runMain, say } from './lib/report';
import { BenchSystem, removeBundle } from './lib/system';

const K = envInt('BENCH_SCALE_K', 20_000);
const CONCURRENCY = envInt('BENCH_SCALE_CONCURRENCY', 32);
const QUERIES = envInt('BENCH_SCALE_QUERIES', 300);
const ENTERPRISES = envInt('BENCH_SCALE_ENTERPRISES', 200);
const departments = ['yjj', 'zjj', 'xfjy', 'scjg'];

let system: BenchSystem | null = null;

async function main(): Promise<void> {
  const sys = (system = new BenchSystem({ name: 'scale', policy: defaultPolicy() }));
  await sys.start();
  const enterprises = await addEnterprises(sys, ENTERPRISES);
  const tokens = new Map<string, string>();
  for (const dept of departments) {
    const actor: Actor = {
      id: `bench-${dept}`,
      name: '检查员',
      role: 'inspector',
      departmentId: dept,
    };
    tokens.set(dept, await sys.token(actor));
  }

  // open K cases, sampling memory as they accumulate
  const memory: { cases: number; workerMiB: number; temporalMiB: number }[] = [];
  const sample = async (cases: number) => {
    const worker = await sys.worker.memory();
    const temporal = await sys.temporalMemory();
    memory.push({ cases, workerMiB: worker?.rssMiB ?? 0, temporalMiB: temporal?.rssMiB ?? 0 });
  };
  await sample(0);
  const every = Math.max(1, Math.floor(K / 10));
  let done = 0;
  let failed = 0;
  const started = performance.now();
  await closedLoop(K, CONCURRENCY, async (i) => {
    const enterprise = enterprises[i % enterprises.length]!;
    const result = await openViaApi(sys, tokens.get(enterprise.dept)!, caseBody(enterprise.id, i));
    if (!result.ok) {
      failed += 1;
      if (failed <= 3) say(`open failed: ${result.status} ${result.error?.slice(0, 200)}`);
    }
    done += 1;
    if (done % every === 0) {
      await sample(done);
      say(`${done} cases open, ${round((done / (performance.now() - started)) * 1000)}/s`);
    }
  });
  const openSeconds = (performance.now() - started) / 1000;
  await new Promise((r) => setTimeout(r, 5_000));
  await sample(K);
  const peak = await sys.worker.memory();

  const now = () => new Date();
  const target = enterprises[7]!;
  const shapes = [
    {
      name: 'state=registered (inspector of yjj: department scope)',
      api: { token: tokens.get('yjj')!, query: 'state=registered&limit=20' },
      sql: `select * from hazard_case where status = $1 and department_id = $2
            order by registered_at desc, case_no desc limit 21`,
      params: () => ['registered', 'yjj'],
    },
    {
      name: `enterpriseId=…&overdue=false (one of ${ENTERPRISES} enterprises)`,
      api: {
        token: tokens.get(target.dept)!,
        query: `enterpriseId=${target.id}&overdue=false&limit=20`,
      },
      sql: `select * from hazard_case where enterprise_id = $1 and department_id = $2
              and (step_deadline is null or step_deadline >= $3)
            order by registered_at desc, case_no desc limit 21`,
      params: () => [target.id, target.dept, now()],
    },
    {
      name: 'overdue=true (none are: the index must say so quickly)',
      api: { token: tokens.get('yjj')!, query: 'overdue=true&limit=20' },
      sql: `select * from hazard_case where department_id = $1 and step_deadline < $2
            order by registered_at desc, case_no desc limit 21`,
      params: () => ['yjj', now()],
    },
  ];

  const rows = [];
  const plans: Record<string, string> = {};
  for (const shape of shapes) {
    const apiMs: number[] = [];
    const sqlMs: number[] = [];
    for (let i = 0; i < QUERIES + 20; i++) {
      const warm = i < 20;
      let t = performance.now();
      const response = await fetch(`${sys.apiUrl}/api/v1/hazards?${shape.api.query}`, {
        headers: { authorization: `Bearer ${shape.api.token}` },
      });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`list query answered ${response.status}`);
      if (!warm) apiMs.push(performance.now() - t);
      t = performance.now();
      await sys.pool.query(shape.sql, shape.params());
      if (!warm) sqlMs.push(performance.now() - t);
    }
    const explained = await sys.pool.query<{ 'QUERY PLAN': string }>(
      `explain analyze ${shape.sql}`,
      shape.params(),
    );
    plans[shape.name] = explained.rows.map((r) => r['QUERY PLAN']).join('\n');
    const [apiP95, sqlP95] = [quantile(apiMs, 0.95), quantile(sqlMs, 0.95)];
    rows.push([
      shape.name,
      round(quantile(apiMs, 0.5), 2),
      round(apiP95, 2),
      round(quantile(sqlMs, 0.5), 2),
      round(sqlP95, 2),
      round(apiP95 / sqlP95, 1),
    ]);
  }

  const { rows: size } = await sys.pool.query<{ bytes: string }>(
    'select pg_database_size(current_database()) as bytes',
  );
  await publish('bench-scale', {
    parameters: { k: K, concurrency: CONCURRENCY, queries: QUERIES, enterprises: ENTERPRISES },
    tables: [
      {
        title: `Opening ${K} cases through the API, ${CONCURRENCY} in flight`,
        columns: [
          'cases',
          'seconds',
          'cases/s',
          'failed',
          'worker RSS MiB',
          'worker peak MiB',
          'dev server RSS MiB',
          'database MiB',
        ],
        rows: [
          [
            K,
            round(openSeconds),
            round(K / openSeconds),
            failed,
            memory.at(-1)!.workerMiB,
            peak?.peakMiB ?? null,
            memory.at(-1)!.temporalMiB,
            round(Number(size[0]!.bytes) / 2 ** 20),
          ],
        ],
      },
      {
        title: 'Memory as the open cases accumulate',
        columns: ['open cases', 'worker RSS MiB', 'dev server RSS MiB'],
        rows: memory.map((m) => [m.cases, m.workerMiB, m.temporalMiB]),
      },
      {
        title: `Filtered list query, ${QUERIES} interleaved runs each (ms)`,
        columns: ['query', 'API p50', 'API p95', 'SQL p50', 'SQL p95', 'p95 ratio'],
        rows,
      },
    ],
    details: { memory, plans },
  });
}

/** More enterprises, spread over the supervising departments, so filters are selective. */
async function addEnterprises(sys: BenchSystem, count: number) {
  const made: { id: string; dept: string }[] = [];
  for (let i = 0; i < count; i++) {
    const body = `91330100MA2B${String(i).padStart(5, '0')}`;
    const id = body + creditCodeCheckChar(body);
    const dept = departments[i % departments.length]!;
    await sys.pool.query(
      `insert into enterprise (id, name, credit_code, industry, township, department_id,
         responsible_name, responsible_email, safety_manager_name, safety_manager_email)
       values ($1, $2, $1, '工贸', '城关镇', $3, '张三', $4, '李四', $5)
       on conflict do nothing`,
      [id, `基准企业${i}`, dept, `boss${i}@bench.example`, `safety${i}@bench.example`],
    );
    made.push({ id, dept });
  }
  return made;
}

runMain(main, async () => {
  await system?.stop();
  await removeBundle();
});
