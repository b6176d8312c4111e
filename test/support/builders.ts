import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Actor } from '../../domain/hazard';
import { parsePolicy, Policy } from '../../domain/policy';

export const repoRoot = path.resolve(__dirname, '../..');

export function loadPolicy(name: 'default' | 'test-seconds'): Policy {
  const file = path.join(repoRoot, 'policy', `${name}.json`);
  return parsePolicy(JSON.parse(readFileSync(file, 'utf8')), file);
}

export const actors = {
  inspector: (departmentId = 'yjj'): Actor => ({
    id: `inspector-${departmentId}`,
    name: '检查员',
    role: 'inspector',
    departmentId,
  }),
  enterprise: (enterpriseId: string): Actor => ({
    id: `user-${enterpriseId}`,
    name: '企业负责人',
    role: 'enterprise',
    enterpriseId,
  }),
};
