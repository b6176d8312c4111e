import { readFile } from 'node:fs/promises';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';

/**
 * Replays exported workflow histories (the JSON of `temporal workflow show --output json` or of
 * the Temporal UI) against the current workflow code, and fails on any nondeterminism. Run it
 * before deploying workflow changes: npm run replay -- history.json [more.json]
 */
async function main(files: string[]): Promise<void> {
  if (files.length === 0) throw new Error('usage: replay-history FILE.json [FILE.json ...]');
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const workflowsPath = require.resolve('../workflows');
  for (const file of files) {
    const history: unknown = JSON.parse(await readFile(file, 'utf8'));
    await Worker.runReplayHistory({ workflowsPath }, history);
    process.stdout.write(`replayed ${file}: deterministic\n`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(
    `replay failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
