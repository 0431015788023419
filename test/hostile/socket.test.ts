// What an in-process request cannot carry: raw bytes in the request line (a URL object
// percent-encodes them), header sizes Node's parser refuses, broken request framing, and a client
// that really goes away mid-upload. Sent over a TCP socket to the real server process (src/node.ts).
import BetterSqlite3 from 'better-sqlite3';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTempDirs, startServer, submitSignup, type ServerProcess } from '../helpers/server-process.ts';
import { bytes, KB } from './corpus.ts';
import { RAW_MARKERS } from './harness.ts';

const ADMIN_KEY = 'hostile-admin-key-0123456789';
let server: ServerProcess;

beforeAll(async () => {
  server = await startServer({ env: { ADMIN_API_KEY: ADMIN_KEY } });
  // One real contact, so "nothing changed" compares something.
  expect((await submitSignup(server, { email: 'socket@example.com', categories: ['newsletter'] })).status).toBe(200);
});

afterAll(async () => {
  await server?.stop();
  removeTempDirs();
});

/** Writes raw bytes to the server and reads until it closes (or `timeoutMs`); returns the text. */
function raw(request: Uint8Array, options: { timeoutMs?: number; hangUpAfterWrite?: boolean } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1');
    const chunks: Buffer[] = [];
    // A server that answered but keeps the connection open has still answered.
    const timer = setTimeout(() => {
      socket.destroy();
      if (chunks.length === 0) reject(new Error(`no answer within ${options.timeoutMs ?? 3000} ms`));
    }, options.timeoutMs ?? 3000);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('latin1'));
    });
    socket.write(request, () => {
      if (options.hangUpAfterWrite) socket.destroy();
    });
  });
}

const statusOf = (response: string) => Number(/^HTTP\/1\.[01] (\d{3})/.exec(response)?.[1] ?? 0);

/** Counts rows of the tables a hostile request must not touch, straight from the database file. */
function counts(): Record<string, number> {
  const db = new BetterSqlite3(server.databasePath, { readonly: true, fileMustExist: true });
  try {
    const out: Record<string, number> = {};
    for (const table of ['consent_events', 'consents', 'contacts', 'outbox', 'confirmations']) {
      out[table] = (db.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n;
    }
    return out;
  } finally {
    db.close();
  }
}

const line = (target: (string | number[])[], headers = '') =>
  bytes('GET ', ...target, ` HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}Connection: close\r\n\r\n`);

const form = (path: string, body: Uint8Array, headers = '') =>
  bytes(
    `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nSec-Fetch-Site: same-origin\r\n`,
    `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n${headers}Connection: close\r\n\r\n`,
    [...body],
  );

const CASES: readonly [name: string, request: () => Uint8Array][] = [
  ['raw 0xC3 0x28 in the path', () => line(['/s/', [0xc3, 0x28]])],
  ['raw 0xFF 0xFE in the path', () => line(['/s/demo', [0xff, 0xfe]])],
  ['a raw overlong "/" (0xC0 0xAF) in a token', () => line(['/p/', [0xc0, 0xaf], 'x'])],
  ['a raw lone surrogate (0xED 0xA0 0x80) in a token', () => line(['/c/', [0xed, 0xa0, 0x80]])],
  ['raw 0xFF in the query string', () => line(['/s/demo?lang=', [0xff]])],
  ['raw UTF-8 (not percent-encoded) in the query string', () => line(['/s/demo?lang=', 'ja\u00e9'.split('').map((c) => c.charCodeAt(0))])],
  ['a raw NUL in the path', () => line(['/s/demo', [0]])],
  ['a raw tab in the path', () => line(['/s/de', [9], 'mo'])],
  ['a raw script tag in the path', () => line(['/s/<script>alert("xss-marker")</script>'])],
  ['a raw script tag in an API path', () => line(['/api/v1/<script>alert("xss-marker")</script>'], `Authorization: Bearer ${ADMIN_KEY}\r\n`)],
  ['a backslash path', () => line(['/s\\..\\demo'])],
  ['an absolute-form target for another host', () => line(['http://evil.example/s/demo'])],
  ['an asterisk target', () => line(['*'])],
  ['a path without a leading slash', () => line(['s/demo'])],
  ['a 100 KB path', () => line([`/s/${'a'.repeat(100 * KB)}`])],
  ['a 50 KB User-Agent', () => line(['/s/demo'], `User-Agent: ${'u'.repeat(50 * KB)}\r\n`)],
  ['10,000 headers', () => line(['/s/demo'], Array.from({ length: 10_000 }, (_, i) => `X-H${i}: 1\r\n`).join(''))],
  ['a Host with a space', () => bytes('GET /s/demo HTTP/1.1\r\nHost: a b\r\nConnection: close\r\n\r\n')],
  ['a Host with a script tag', () => bytes('GET /s/demo HTTP/1.1\r\nHost: <script>alert("xss-marker")</script>\r\nConnection: close\r\n\r\n')],
  ['no Host at all (HTTP/1.1)', () => bytes('GET /s/demo HTTP/1.1\r\nConnection: close\r\n\r\n')],
  ['two Content-Length headers that disagree', () => bytes('POST /s/demo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\nContent-Length: 50\r\nConnection: close\r\n\r\nemail')],
  ['Content-Length and chunked together', () => bytes('POST /s/demo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n')],
  ['a negative Content-Length', () => bytes('POST /s/demo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -1\r\nConnection: close\r\n\r\n')],
  ['a malformed chunk size', () => bytes('POST /s/demo HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\nemail\r\n0\r\n\r\n')],
  ['a header line without a colon', () => bytes('GET /s/demo HTTP/1.1\r\nHost: 127.0.0.1\r\nthis is not a header\r\nConnection: close\r\n\r\n')],
  ['CRLF injected into a header value (obs-fold)', () => bytes('GET /s/demo HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: a\r\n Bcc: x@y.com\r\nConnection: close\r\n\r\n')],
  ['a form body of raw invalid UTF-8', () => form('/s/demo', bytes('email=', [0xff, 0xc3, 0x28], '&categories=newsletter&consent=x'))],
  ['an HTTP/0.9 request', () => bytes('GET /s/demo\r\n\r\n')],
  ['an unknown HTTP version', () => bytes('GET /s/demo HTTP/7.0\r\nHost: 127.0.0.1\r\n\r\n')],
  ['an unknown method', () => bytes('BREW /s/demo HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')],
];

describe('raw requests to the real server', () => {
  it('answers each with a 4xx or a normal page, never a 5xx or a reflected script, and changes nothing', async () => {
    const before = counts();
    const problems: string[] = [];
    for (const [name, request] of CASES) {
      try {
        const response = await raw(request());
        const status = statusOf(response);
        if (process.env.HOSTILE_STATS) console.log(`${status || 'closed'} ${name}`);
        // Node's parser may also just close a connection it cannot parse: that is a refusal too.
        if (response !== '' && !(status >= 200 && status < 500)) problems.push(`${name}: ${response.slice(0, 120)}`);
        for (const marker of RAW_MARKERS) if (response.includes(marker)) problems.push(`${name}: reflects ${marker}`);
      } catch (error) {
        problems.push(`${name}: ${String(error)}`);
      }
    }
    expect(problems).toEqual([]);
    expect(counts()).toEqual(before);
  });

  it('survives clients that go away mid-request, and keeps serving', async () => {
    const before = counts();
    const half = 'email=gone%40example.com&categories=newsletter&consent=';
    await raw(bytes(`POST /s/demo HTTP/1.1\r\nHost: 127.0.0.1\r\nSec-Fetch-Site: same-origin\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${half.length + 64}\r\n\r\n${half}`), {
      hangUpAfterWrite: true,
    });
    await raw(bytes(`POST /s/demo HTTP/1.1\r\nHost: 127.0.0.1\r\nSec-Fetch-Site: same-origin\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n${half.length.toString(16)}\r\n${half}\r\n`), {
      hangUpAfterWrite: true,
    });
    await raw(bytes('GET /s/demo HTTP/1.1\r\nHost: 127.0.0.1\r\n'), { hangUpAfterWrite: true });
    const after = await server.fetch('/s/demo');
    expect(after.status).toBe(200);
    expect(server.hasExited()).toBe(false);
    expect(counts()).toEqual(before);
  });

  it('closes the connection after a 413, so the rest of the body is never read as a request', async () => {
    const big = 'a'.repeat(40 * KB);
    const framings = {
      'form, Content-Length': `POST /s/demo HTTP/1.1\r\nHost: 127.0.0.1\r\nSec-Fetch-Site: same-origin\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${big.length}\r\n\r\n${big}`,
      'form, chunked': `POST /p/x HTTP/1.1\r\nHost: 127.0.0.1\r\nSec-Fetch-Site: same-origin\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n${big.length.toString(16)}\r\n${big}\r\n`,
      'API, Content-Length': `POST /api/v1/sites HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${ADMIN_KEY}\r\nContent-Type: application/json\r\nContent-Length: ${1100 * KB}\r\n\r\n${'a'.repeat(1100 * KB)}`,
    };
    for (const [framing, request] of Object.entries(framings)) {
      // No "Connection: close" from us: a browser keeps the connection alive.
      const started = Date.now();
      const response = await raw(bytes(request), { timeoutMs: 4000 });
      expect(statusOf(response), framing).toBe(413);
      expect(response, framing).toMatch(/\r\nconnection: close\r\n/i);
      // Closed by the server at once, not by the raw() timeout nor by keep-alive's 5 s.
      expect(Date.now() - started, framing).toBeLessThan(2000);
    }
  });
});
