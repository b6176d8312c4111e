import path from 'node:path';
import { HAZARD_TASK_QUEUE } from '../contracts/hazard';

/** The process's configuration, read once from the environment at start. */
export interface AppConfig {
  temporal: {
    address: string;
    namespace: string;
    taskQueue: string;
    /** Activities a worker runs at once (`WORKER_ACTIVITY_CONCURRENCY`). */
    activityConcurrency: number;
  };
  database: { url: string; poolMax: number };
  smtp: { url: string; from: string };
  http: { port: number; publicBaseUrl: string };
  auth: { jwtSecret: string | null; jwksUrl: string | null; issuer: string | null };
  policy: { file: string };
  evidence: { dir: string; maxBytes: number };
  log: { level: string };
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function required(env: Env, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new ConfigError(name, 'is required');
  return value;
}

function optional(env: Env, name: string, fallback: string): string {
  return env[name]?.trim() || fallback;
}

function url(env: Env, name: string, value: string, protocols: string[]): string {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError(name, `is not a URL: "${value}"`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must use ${protocols.join(' or ')}, got ${parsed.protocol}`);
  }
  return value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const text = env[name]?.trim();
  if (!text) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(name, `must be an integer from ${min} to ${max}, got "${text}"`);
  }
  return value;
}

function hostPort(env: Env, name: string, fallback: string): string {
  const value = optional(env, name, fallback);
  if (!/^[\w.-]+:\d{1,5}$/.test(value))
    throw new ConfigError(name, `must be host:port, got "${value}"`);
  return value;
}

/**
 * The default size of a process's PostgreSQL pool (`DATABASE_POOL_MAX`). Each email is sent
 * inside the transaction that marks it sent, so the worker holds a connection per email in
 * flight.
 */
export const DEFAULT_POOL_MAX = 20;

const repoRoot = path.resolve(
  __dirname,
  __dirname.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..',
);

export function loadConfig(env: Env = process.env): AppConfig {
  const jwtSecret = env.JWT_SECRET?.trim() || null;
  const jwksUrl = env.JWKS_URL?.trim() || null;
  if (!jwtSecret && !jwksUrl) throw new ConfigError('JWT_SECRET', 'or JWKS_URL is required');
  if (jwtSecret && jwtSecret.length < 32) {
    throw new ConfigError('JWT_SECRET', 'must be at least 32 characters');
  }
  if (jwksUrl) url(env, 'JWKS_URL', jwksUrl, ['https:', 'http:']);

  const publicBaseUrl = url(
    env,
    'PUBLIC_BASE_URL',
    optional(env, 'PUBLIC_BASE_URL', `http://localhost:${env.PORT?.trim() || '3000'}`),
    ['http:', 'https:'],
  ).replace(/\/$/, '');

  return {
    temporal: {
      address: hostPort(env, 'TEMPORAL_ADDRESS', 'localhost:7233'),
      namespace: optional(env, 'TEMPORAL_NAMESPACE', 'default'),
      taskQueue: optional(env, 'TEMPORAL_TASK_QUEUE', HAZARD_TASK_QUEUE),
      activityConcurrency: integer(env, 'WORKER_ACTIVITY_CONCURRENCY', 100, 1, 1000),
    },
    database: {
      url: url(env, 'DATABASE_URL', required(env, 'DATABASE_URL'), ['postgres:', 'postgresql:']),
      poolMax: integer(env, 'DATABASE_POOL_MAX', DEFAULT_POOL_MAX, 1, 500),
    },
    smtp: {
      url: url(env, 'SMTP_URL', required(env, 'SMTP_URL'), ['smtp:', 'smtps:']),
      from: optional(env, 'MAIL_FROM', '县安委办督办系统 <supervision@localhost>'),
    },
    http: { port: integer(env, 'PORT', 3000, 0, 65535), publicBaseUrl },
    auth: { jwtSecret, jwksUrl, issuer: env.JWT_ISSUER?.trim() || null },
    policy: {
      file: path.resolve(repoRoot, optional(env, 'POLICY_FILE', 'policy/default.json')),
    },
    evidence: {
      dir: path.resolve(repoRoot, optional(env, 'EVIDENCE_DIR', 'var/evidence')),
      maxBytes: integer(env, 'EVIDENCE_MAX_BYTES', 10 * 1024 * 1024, 1024, 100 * 1024 * 1024),
    },
    log: { level: optional(env, 'LOG_LEVEL', 'info') },
  };
}
