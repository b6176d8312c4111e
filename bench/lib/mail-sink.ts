import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { freePort } from '../../infra/ports';

export interface ReceivedMail {
  messageId: string;
  to: string[];
  /** Date.now() when the message's DATA was complete. */
  at: number;
}

export interface MailSink {
  url: string;
  port: number;
  received: ReceivedMail[];
  /** Resolves once `count` messages have arrived, or after timeoutMs with what has. */
  waitForCount(count: number, timeoutMs: number): Promise<boolean>;
  /** Closes the port, as an SMTP server that went down; messages in flight are refused. */
  down(): Promise<void>;
  /** Listens on the same port again. */
  up(): Promise<void>;
  stop(): Promise<void>;
}

const MESSAGE_ID = /^message-id:[ \t]*(<[^>\r\n]+>)/im;

/**
 * An SMTP server that records each message's Message-ID, envelope recipients and arrival time,
 * and nothing else: the system's own sink parses every MIME message, which on two cores would
 * compete with the worker it measures. Both sides of a ratio send to this same sink.
 */
export async function startMailSink(port?: number): Promise<MailSink> {
  const received: ReceivedMail[] = [];
  const listenPort = port ?? (await freePort());
  let server: SMTPServer | null = null;
  const waiters = new Set<() => void>();

  const create = () =>
    new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      closeTimeout: 500,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('error', callback);
        stream.on('end', () => {
          const head = Buffer.concat(chunks).subarray(0, 8192).toString('latin1');
          const headers = head.split(/\r?\n\r?\n/, 1)[0]!.replace(/\r?\n[ \t]+/g, ' ');
          received.push({
            messageId: MESSAGE_ID.exec(headers)?.[1] ?? '(none)',
            to: session.envelope.rcptTo.map((r) => r.address),
            at: Date.now(),
          });
          for (const wake of waiters) wake();
          callback();
        });
      },
    });

  const up = async () => {
    if (server) return;
    const next = create();
    await new Promise<void>((resolve, reject) => {
      next.once('error', reject);
      next.listen(listenPort, '127.0.0.1', () => {
        next.off('error', reject);
        resolve();
      });
    });
    next.on('error', () => undefined);
    server = next;
  };
  const down = async () => {
    const current = server;
    server = null;
    if (!current) return;
    await new Promise<void>((resolve) => current.close(() => resolve()));
  };

  await up();
  const address = (server!.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${address}`,
    port: address,
    received,
    up,
    down,
    stop: down,
    waitForCount(count, timeoutMs) {
      if (received.length >= count) return Promise.resolve(true);
      return new Promise((resolve) => {
        const wake = () => {
          if (received.length < count) return;
          waiters.delete(wake);
          clearTimeout(timer);
          resolve(true);
        };
        const timer = setTimeout(() => {
          waiters.delete(wake);
          resolve(false);
        }, timeoutMs);
        waiters.add(wake);
      });
    },
  };
}
