// Makes sure a Temporal CLI is available (building it with Go if needed) and prints where it is.
import { execFileSync } from 'node:child_process';
import { findTemporalCli } from '../infra/temporal-cli';

async function main(): Promise<void> {
  const cli = await findTemporalCli({ build: true, log: (m) => console.error(m) });
  const version = execFileSync(cli, ['--version'], { encoding: 'utf8' }).trim();
  console.log(cli);
  console.log(version);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
