import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { AppConfig } from '../config';
import type { Orm } from '../db/orm';
import type { Policy } from '../domain/policy';
import type { Verifier } from './auth';

/** What the API's routes are built from. */
export interface ApiDeps {
  config: AppConfig;
  orm: Orm;
  temporal: Client;
  policy: Policy;
  verify: Verifier;
  logger: Logger;
}
