import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { preferPort } from './ports';
import { startSmtpSink } from './smtp-sink';

export interface MailCatcher {
  smtpUrl: string;
  webUrl: string;
  dir: string;
  stop(): Promise<void>;
}

export interface MailCatcherOptions {
  /** Where each message is saved as <ISO time>-<n>.eml */
  dir: string;
  /** Default 1025 (mailpit's), or a free port when taken. */
  smtpPort?: number;
  /** Default 8025 (mailpit's), or a free port when taken. */
  httpPort?: number;
  log?: (m: string) => void;
}

const FILE_NAME = /^[0-9TZ.]+-\d+\.eml$/;

/** Development mail catcher: keeps every message on disk and lists them on a small web page. */
export async function startMailCatcher(opts: MailCatcherOptions): Promise<MailCatcher> {
  const dir = path.resolve(opts.dir);
  await fs.mkdir(dir, { recursive: true });
  let counter = 0;
  const sink = await startSmtpSink({
    port: await preferPort(opts.smtpPort ?? 1025),
    log: opts.log,
    async onMessage(parsed, raw) {
      // ISO 8601 basic format: sorts by time and has no ':' (not allowed in Windows file names).
      const time = new Date().toISOString().replace(/[-:]/g, '');
      const file = `${time}-${String(++counter).padStart(4, '0')}.eml`;
      await fs.writeFile(path.join(dir, file), raw);
      opts.log?.(`mail: ${file} to ${addresses(parsed.to)}: ${parsed.subject ?? ''}`);
    },
  });

  const server = http.createServer((req, res) => {
    handle(dir, req.url ?? '/', res).catch((err: Error) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(err.message);
    });
  });
  const httpPort = await preferPort(opts.httpPort ?? 8025);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(httpPort, '127.0.0.1', () => resolve());
  });
  const webUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  opts.log?.(`mail: catching at ${sink.url}, see ${webUrl}`);

  return {
    smtpUrl: sink.url,
    webUrl,
    dir,
    async stop() {
      server.closeAllConnections();
      await Promise.all([sink.stop(), new Promise((resolve) => server.close(resolve))]);
    },
  };
}

async function handle(dir: string, url: string, res: http.ServerResponse): Promise<void> {
  const [, kind, name] = /^\/(m|raw)\/([^/?]+)$/.exec(url) ?? [];
  if (url === '/' || url.startsWith('/?')) {
    const files = (await fs.readdir(dir))
      .filter((f) => FILE_NAME.test(f))
      .sort()
      .reverse();
    const rows = await Promise.all(files.map(async (f) => row(f, await parse(dir, f))));
    return html(res, '收到的邮件', table(['时间', '发件人', '收件人', '主题', ''], rows));
  }
  const file = name && decodeURIComponent(name);
  if (!file || !FILE_NAME.test(file)) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    return void res.end('not found');
  }
  if (kind === 'raw') {
    res.writeHead(200, { 'content-type': 'message/rfc822' });
    return void res.end(await fs.readFile(path.join(dir, file)));
  }
  const mail = await parse(dir, file);
  const headers: [string, string][] = [
    ['时间', mail.date?.toISOString() ?? ''],
    ['发件人', addresses(mail.from)],
    ['收件人', addresses(mail.to)],
    ['抄送', addresses(mail.cc)],
    ['主题', mail.subject ?? ''],
    ['Message-ID', mail.messageId ?? ''],
    ['附件', mail.attachments.map((a) => `${a.filename ?? '?'} (${a.size} B)`).join(', ')],
  ];
  const body =
    table(
      [],
      headers.map(([k, v]) => [escape(k), escape(v)]),
    ) +
    `<p><a href="/">返回</a> · <a href="/raw/${encodeURIComponent(file)}">原始邮件</a></p>` +
    `<pre>${escape(mail.text ?? '')}</pre>`;
  return html(res, mail.subject ?? file, body);
}

// Parsed headers do not change once a file is written: parse each file once.
const parsedCache = new Map<string, Promise<ParsedMail>>();
function parse(dir: string, file: string): Promise<ParsedMail> {
  const key = path.join(dir, file);
  let parsed = parsedCache.get(key);
  if (!parsed) {
    parsed = fs.readFile(key).then((raw) => simpleParser(raw));
    parsedCache.set(key, parsed);
    parsed.catch(() => parsedCache.delete(key));
  }
  return parsed;
}

function row(file: string, mail: ParsedMail): string[] {
  const link = `/m/${encodeURIComponent(file)}`;
  return [
    escape(mail.date?.toISOString() ?? ''),
    escape(addresses(mail.from)),
    escape(addresses(mail.to)),
    `<a href="${link}">${escape(mail.subject || '(无主题)')}</a>`,
    `<a href="/raw/${encodeURIComponent(file)}">原始</a>`,
  ];
}

function addresses(value: AddressObject | AddressObject[] | undefined): string {
  if (!value) return '';
  return (Array.isArray(value) ? value : [value]).map((a) => a.text).join(', ');
}

/** Cells must already be HTML (escaped). */
function table(head: string[], rows: string[][]): string {
  const th = head.length ? `<tr>${head.map((h) => `<th>${escape(h)}</th>`).join('')}</tr>` : '';
  const tr = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n');
  return `<table>${th}\n${tr}</table>`;
}

function html(res: http.ServerResponse, title: string, body: string): void {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${escape(title)}</title>
<style>body{font-family:sans-serif;margin:1em}td,th{border-bottom:1px solid #ddd;padding:4px 8px;
text-align:left;vertical-align:top}pre{white-space:pre-wrap}</style></head>
<body><h1>${escape(title)}</h1>
${body}
</body></html>`);
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
