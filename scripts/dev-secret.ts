import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../infra/repo-root';

/**
 * The signing secret of a development installation: made once, kept in the ignored var/
 * folder, shared by `npm start` and `npm run token`. Never used when JWT_SECRET is set.
 */
export function devJwtSecret(): string {
  const file = path.join(repoRoot(), 'var', 'dev-jwt-secret');
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}
