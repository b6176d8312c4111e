import { isDeepStrictEqual } from 'node:util';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Policy } from '../domain/policy';

/**
 * Records the policy under its version. A version is immutable once recorded: the same
 * version with other content is refused, so cases opened under it keep one meaning.
 */
export async function recordPolicyVersion(em: EntityManager, policy: Policy): Promise<void> {
  await em.execute(
    'insert into policy_version (version, document) values (?, ?) on conflict (version) do nothing',
    [policy.version, JSON.stringify(policy)],
  );
  const [stored] = await em.execute<{ document: unknown }[]>(
    'select document from policy_version where version = ?',
    [policy.version],
  );
  if (!isDeepStrictEqual(stored?.document, JSON.parse(JSON.stringify(policy)))) {
    throw new Error(
      `policy version "${policy.version}" is already recorded with other content; ` +
        'give the changed policy a new version',
    );
  }
}
