import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  assessmentWorkflowId,
  hazardWorkflowId,
  RECORD_LOCALLY_PATCH,
} from '../../contracts/hazard';
import { command, enterpriseUser, inspector, openCase, uploadPhoto } from '../support/cases';
import { rungMail } from '../support/ladder';
import { runMajorCase } from '../support/major';
import { startSystem, TestSystem } from '../support/system';

const fixtures = path.join(__dirname, '..', 'fixtures');
const fixture = path.join(fixtures, 'hazard-case-history.json');
const majorFixtures = [
  'hazard-case-major-history.json',
  'assessment-failed-history.json',
  'assessment-withdrawn-history.json',
].map((name) => path.join(fixtures, name));
const replayScript = path.join(__dirname, '..', '..', 'dist', 'scripts', 'replay-history.js');

// the replayer runs in its own process: jest's module registry breaks protobufjs type checks
async function replay(file: string): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [replayScript, file]);
  return stdout;
}

/** A workflow's history as the Temporal CLI exports it, the format the UI exports too. */
async function exportHistory(system: TestSystem, workflowId: string): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.env.TEST_TEMPORAL_CLI!,
    [
      'workflow',
      'show',
      '--workflow-id',
      workflowId,
      '--address',
      system.config.temporal.address,
      '--output',
      'json',
    ],
    { maxBuffer: 32 * 1024 * 1024 },
  );
  return stdout;
}

/** A whole case with timers, rungs, an extension and a failed re-inspection. */
async function runFullCase(system: TestSystem): Promise<string> {
  const owner = enterpriseUser();
  const { caseNo } = await openCase(system);
  await system.mail.waitFor(rungMail(caseNo, '企业确认隐患', 1));
  const confirmed = await command(system, owner, caseNo, 'confirmation', {
    signatory: '王建国',
    signature: '王建国',
  });
  await command(system, owner, caseNo, 'extension-requests', {
    reason: '设备到货延迟',
    requestedDeadline: new Date(Date.parse(confirmed.step.deadline) + 5000).toISOString(),
  });
  await command(system, inspector, caseNo, 'extension-decision', {
    approved: true,
    comment: '同意',
  });
  const photo = await uploadPhoto(system, owner, caseNo, `replay-${caseNo}`);
  await command(system, owner, caseNo, 'rectification-report', {
    summary: '已整改',
    evidenceIds: [photo.id],
  });
  await command(system, inspector, caseNo, 'reinspection', { passed: false, findings: '未到位' });
  const again = await uploadPhoto(system, owner, caseNo, `replay-2-${caseNo}`);
  await command(system, owner, caseNo, 'rectification-report', {
    summary: '已整改',
    evidenceIds: [again.id],
  });
  await command(system, inspector, caseNo, 'reinspection', { passed: true, findings: '合格' });
  return caseNo;
}

interface HistoryEvent {
  activityTaskScheduledEventAttributes?: { activityType: { name: string } };
  markerRecordedEventAttributes?: { markerName: string; details?: Record<string, unknown> };
}

/** How a history wrote the case's record: scheduled activities, or local ones behind the patch. */
function recordWrites(events: HistoryEvent[]) {
  const markers = events.flatMap((e) => e.markerRecordedEventAttributes ?? []);
  return {
    activities: events.filter(
      (e) => e.activityTaskScheduledEventAttributes?.activityType.name === 'recordTransition',
    ).length,
    local: markers.filter((m) => m.markerName === 'core_local_activity').length,
    patched: markers.some(
      (m) =>
        m.markerName === 'core_patch' &&
        [...JSON.stringify(m.details).matchAll(/"data":"([^"]+)"/g)].some((data) =>
          Buffer.from(data[1]!, 'base64').toString().includes(RECORD_LOCALLY_PATCH),
        ),
    ),
  };
}

describe('workflow determinism', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startSystem({ policy: 'test-seconds' });
  });
  afterAll(() => system?.stop());

  it('replays the committed history of a closed case with the current code', async () => {
    const history = JSON.parse(await readFile(fixture, 'utf8')) as { events: HistoryEvent[] };
    expect(history.events.length).toBeGreaterThan(40);
    // written before the record moved into local activities: replays the activity branch
    expect(recordWrites(history.events)).toMatchObject({ local: 0, patched: false });
    expect(recordWrites(history.events).activities).toBeGreaterThan(5);
    await expect(replay(fixture)).resolves.toContain('deterministic');
  });

  it('replays a case just run, from registration to closure', async () => {
    const caseNo = await runFullCase(system);
    const handle = system.api.deps.temporal.workflow.getHandle(hazardWorkflowId(caseNo));
    const result = await handle.result();
    expect(result.status).toBe('closed');

    const stdout = await exportHistory(system, hazardWorkflowId(caseNo));
    const history = JSON.parse(stdout) as { events: HistoryEvent[] };
    expect(history.events.length).toBeGreaterThan(40);
    const writes = recordWrites(history.events);
    expect(writes).toMatchObject({ activities: 0, patched: true });
    expect(writes.local).toBeGreaterThan(5);
    const file = process.env.RECORD_REPLAY_FIXTURE
      ? fixture
      : path.join(os.tmpdir(), `${caseNo}.json`);
    await writeFile(file, stdout);
    await expect(replay(file)).resolves.toContain('deterministic');
  });

  it('replays the committed histories of a major case and of its sign-offs', async () => {
    for (const file of majorFixtures)
      await expect(replay(file)).resolves.toContain('deterministic');
  });

  it('replays a major case just run, and its failed and withdrawn sign-offs', async () => {
    const caseNo = await runMajorCase(system);
    const ids = [
      hazardWorkflowId(caseNo),
      assessmentWorkflowId(`${caseNo}-A1`),
      assessmentWorkflowId(`${caseNo}-A2`),
    ];
    for (const [index, workflowId] of ids.entries()) {
      const exported = await exportHistory(system, workflowId);
      const file = process.env.RECORD_REPLAY_FIXTURE
        ? majorFixtures[index]!
        : path.join(os.tmpdir(), `${workflowId.replace(/\//g, '_')}.json`);
      await writeFile(file, exported);
      await expect(replay(file)).resolves.toContain('deterministic');
    }
  });
});
