import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** SMTP envelope: who the client said it sends for and to (Bcc recipients only appear here). */
export interface Envelope {
  from: string | undefined;
  to: string[];
}

export type OnMessage = (
  parsed: ParsedMail,
  raw: Buffer,
  envelope: Envelope,
) => void | Promise<void>;

export interface SmtpSink {
  port: number;
  /** smtp://127.0.0.1:port, usable as nodemailer's transport URL */
  url: string;
  stop(): Promise<void>;
}

export interface SmtpSinkOptions {
  /** 0 or absent: a random free port */
  port?: number;
  onMessage: OnMessage;
  log?: (m: string) => void;
}

/** A real SMTP server on loopback that accepts everything: no auth, no TLS. */
export async function startSmtpSink(opts: SmtpSinkOptions): Promise<SmtpSink> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: 50 * 1024 * 1024,
    // Let stop() return promptly even while a pooled client keeps its connection open.
    closeTimeout: 1_000,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', callback);
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        const envelope: Envelope = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
          to: session.envelope.rcptTo.map((r) => r.address),
        };
        simpleParser(raw)
          .then((parsed) => opts.onMessage(parsed, raw, envelope))
          .then(
            () => callback(),
            (err: Error) => {
              opts.log?.(`smtp: message rejected: ${err.message}`);
              callback(err);
            },
          );
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Connection-level errors (a client hanging up) must not crash the process.
  server.on('error', (err) => opts.log?.(`smtp: ${err.message}`));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
