import { existsSync } from 'node:fs';
import path from 'node:path';

let cached: string | undefined;

/**
 * The folder holding package.json, found by walking up from this module. Works both from
 * infra/*.ts (ts-node, jest) and from dist/infra/*.js, where the depth differs.
 */
export function repoRoot(): string {
  if (cached) return cached;
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = parent;
  }
  cached = dir;
  return dir;
}
