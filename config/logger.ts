import pino, { Logger } from 'pino';

/** The application logger: JSON lines on stdout, context bound by callers with child(). */
export function createLogger(level: string, name: string): Logger {
  return pino({ level, name, base: { pid: process.pid } });
}

export type { Logger };
