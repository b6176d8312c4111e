import { MikroORM, Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { DEFAULT_POOL_MAX } from '../config';
import { entities } from './entities';
import { migrationsList } from './migrations';

export type Orm = MikroORM;

export function ormOptions(databaseUrl: string, overrides: Partial<Options> = {}): Options {
  return {
    clientUrl: databaseUrl,
    entities,
    extensions: [Migrator],
    migrations: { migrationsList, transactional: true, allOrNothing: true, silent: true },
    discovery: { warnWhenNoEntities: false },
    pool: { min: 0, max: DEFAULT_POOL_MAX },
    debug: false,
    allowGlobalContext: false,
    ...overrides,
  };
}

export async function openOrm(databaseUrl: string, overrides?: Partial<Options>): Promise<Orm> {
  return MikroORM.init(ormOptions(databaseUrl, overrides));
}

/** Applies pending migrations under an advisory lock, so concurrent starts do not race. */
export async function migrate(orm: Orm): Promise<void> {
  const connection = orm.em.getConnection();
  await connection.transactional(async (trx) => {
    await connection.execute('select pg_advisory_xact_lock(727274)', [], 'all', trx);
    await orm.getMigrator().up();
  });
}
