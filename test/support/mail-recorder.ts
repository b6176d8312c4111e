import type { ParsedMail } from 'mailparser';
import { startSmtpSink } from '../../infra/smtp-sink';

export type MailPredicate = (m: ParsedMail) => boolean;

export interface MailRecorder {
  /** smtp://127.0.0.1:port for the code under test */
  url: string;
  /** Every message received, in arrival order. */
  messages: ParsedMail[];
  /** Resolves with all matching messages once at least `count` (default 1) have arrived. */
  waitFor(
    predicate: MailPredicate,
    opts?: { count?: number; timeoutMs?: number },
  ): Promise<ParsedMail[]>;
  matching(predicate: MailPredicate): ParsedMail[];
  clear(): void;
  stop(): Promise<void>;
}

interface Waiter {
  check(): boolean;
  fail(err: Error): void;
}

/** A real SMTP server on a random loopback port that records what it receives. */
export async function startMailRecorder(): Promise<MailRecorder> {
  const messages: ParsedMail[] = [];
  const waiters = new Set<Waiter>();
  const sink = await startSmtpSink({
    port: 0,
    onMessage(parsed) {
      messages.push(parsed);
      for (const w of waiters) if (w.check()) waiters.delete(w);
    },
  });
  const matching = (predicate: MailPredicate) => messages.filter(predicate);

  return {
    url: sink.url,
    messages,
    matching,
    waitFor(predicate, { count = 1, timeoutMs = 30_000 } = {}) {
      return new Promise<ParsedMail[]>((resolve, reject) => {
        const waiter: Waiter = {
          check() {
            const found = matching(predicate);
            if (found.length < count) return false;
            clearTimeout(timer);
            resolve(found);
            return true;
          },
          fail(err) {
            clearTimeout(timer);
            reject(err);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          const subjects = messages.map((m) => `  - ${m.subject ?? '(no subject)'}`).join('\n');
          const got = matching(predicate).length;
          reject(
            new Error(
              `waited ${timeoutMs} ms for ${count} matching message(s), ${got} matched; ` +
                `received ${messages.length}:\n${subjects || '  (none)'}`,
            ),
          );
        }, timeoutMs);
        if (!waiter.check()) waiters.add(waiter);
      });
    },
    clear() {
      messages.length = 0;
    },
    async stop() {
      for (const w of waiters) w.fail(new Error('mail recorder stopped'));
      waiters.clear();
      await sink.stop();
    },
  };
}
