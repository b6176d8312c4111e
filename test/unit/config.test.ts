import { ConfigError, DEFAULT_POOL_MAX, loadConfig } from '../../config';

const base = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/cases',
  SMTP_URL: 'smtp://127.0.0.1:1025',
  JWT_SECRET: 'x'.repeat(32),
};

describe('configuration', () => {
  it('sizes the pool and the worker by default', () => {
    const config = loadConfig(base);
    expect(config.database.poolMax).toBe(DEFAULT_POOL_MAX);
    expect(config.temporal.activityConcurrency).toBe(100);
  });

  it('takes the sizes from the environment', () => {
    const config = loadConfig({
      ...base,
      DATABASE_POOL_MAX: '40',
      WORKER_ACTIVITY_CONCURRENCY: '8',
    });
    expect(config.database.poolMax).toBe(40);
    expect(config.temporal.activityConcurrency).toBe(8);
  });

  it.each([
    ['DATABASE_POOL_MAX', '0'],
    ['DATABASE_POOL_MAX', 'ten'],
    ['WORKER_ACTIVITY_CONCURRENCY', '2.5'],
  ])('refuses %s=%s, naming the variable', (variable, value) => {
    const load = () => loadConfig({ ...base, [variable]: value });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(new RegExp(`^${variable} must be an integer`));
  });

  it('requires a database', () => {
    expect(() => loadConfig({ ...base, DATABASE_URL: '' })).toThrow(/^DATABASE_URL is required/);
  });
});
