// Helpers for integration tests that run the real Node entry (src/node.ts through tsx, or the
// built dist/node/server.js) as a child process and talk HTTP to it, plus a fake Resend API to
// receive what it sends.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Variables the server reads; stripped from the inherited environment so each test sets its own. */
const CONFIG_VARS = [
  'PORT',
  'BASE_URL',
  'DATABASE_PATH',
  'TOKEN_SECRETS',
  'LOOKUP_KEY',
  'MAIL_FROM',
  'ADMIN_API_KEY',
  'CONFIRM_TTL',
  'TRUSTED_PROXIES',
  'WEBHOOK_ALLOW_LOOPBACK',
];

export type EnvVars = Record<string, string>;

/** This process's environment minus every RESEND_*, TWILIO_* and assent configuration variable. */
export function cleanEnv(extra: EnvVars = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('RESEND_') || key.startsWith('TWILIO_') || CONFIG_VARS.includes(key)) continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

/** A port nobody listens on right now (the OS picks it; closed again before returning). */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const tempDirs: string[] = [];

/** A fresh temp dir; see removeTempDirs (kept if KEEP_TEST_DIRS is set). */
export function makeTempDir(prefix = 'assent-it-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** Removes every dir makeTempDir made (stop the servers using them first). */
export function removeTempDirs(): void {
  if (process.env.KEEP_TEST_DIRS) return;
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls until `probe` returns something other than undefined/null/false, or throws on timeout. */
export async function waitFor<T>(
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  options: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const { timeoutMs = 5000, intervalMs = 150, what = 'condition' } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const result = await probe();
      if (result !== undefined && result !== null && result !== false) return result;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const cause = lastError ? ` (last error: ${String(lastError)})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
    }
    await sleep(intervalMs);
  }
}

// ---------------------------------------------------------------------------------------------
// The server process

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServerProcess {
  port: number;
  /** Where tests send requests (loopback IPv4, whatever BASE_URL says). */
  url: string;
  databasePath: string;
  env: NodeJS.ProcessEnv;
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves when the process has exited, for whatever reason. */
  exited: Promise<ExitInfo>;
  hasExited(): boolean;
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`. Safe to call twice. */
  stop(graceMs?: number): Promise<ExitInfo>;
}

/** Every child still alive, so a crashed test run does not leave servers behind. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
  removeTempDirs();
});

interface Spawned {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<ExitInfo>;
  hasExited(): boolean;
}

/** How the server is run: Node's arguments and the folder it starts in. */
export interface Entry {
  args: string[];
  cwd: string;
}

/** The sources through tsx, from the project root: what most tests run. */
export const SOURCE_ENTRY: Entry = { args: ['--import', 'tsx', 'src/node.ts'], cwd: PROJECT_ROOT };

/** Runs the server as plain `node` with `entry`'s arguments (one process: signals reach the server itself). */
export function spawnServer(env: NodeJS.ProcessEnv, entry: Entry = SOURCE_ENTRY): Spawned {
  const child = spawn(process.execPath, entry.args, {
    cwd: entry.cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  let done = false;
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('error', (error) => {
      err += `\n[spawn error] ${String(error)}`;
    });
    child.once('close', (code, signal) => {
      done = true;
      live.delete(child);
      resolve({ code, signal });
    });
  });
  return { child, stdout: () => out, stderr: () => err, exited, hasExited: () => done };
}

async function stopChild(spawned: Spawned, graceMs: number): Promise<ExitInfo> {
  if (spawned.hasExited()) return spawned.exited;
  spawned.child.kill('SIGTERM');
  const timer = setTimeout(() => {
    if (!spawned.hasExited()) spawned.child.kill('SIGKILL');
  }, graceMs);
  try {
    return await spawned.exited;
  } finally {
    clearTimeout(timer);
  }
}

export interface StartOptions {
  /** Defaults to a free port. */
  port?: number;
  /** Defaults to consent.db in a fresh temp dir. */
  databasePath?: string;
  /** Extra variables (on top of the cleaned environment, PORT and DATABASE_PATH). */
  env?: EnvVars;
  timeoutMs?: number;
  /** Defaults to the sources through tsx (SOURCE_ENTRY). */
  entry?: Entry;
}

/** Starts the server and resolves once it printed "assent listening"; kills it on failure. */
export async function startServer(options: StartOptions = {}): Promise<ServerProcess> {
  const port = options.port ?? (await findFreePort());
  const databasePath = options.databasePath ?? join(makeTempDir(), 'consent.db');
  const env = cleanEnv({ ...options.env, PORT: String(port), DATABASE_PATH: databasePath });
  const timeoutMs = options.timeoutMs ?? 30_000;
  const spawned = spawnServer(env, options.entry);

  const started = Date.now();
  while (!spawned.stdout().includes('assent listening')) {
    if (spawned.hasExited()) {
      const { code, signal } = await spawned.exited;
      throw new Error(
        `server exited before listening (code ${code}, signal ${signal})\nstdout:\n${spawned.stdout()}\nstderr:\n${spawned.stderr()}`,
      );
    }
    if (Date.now() - started > timeoutMs) {
      await stopChild(spawned, 2000);
      throw new Error(
        `server did not print "assent listening" within ${timeoutMs} ms\nstdout:\n${spawned.stdout()}\nstderr:\n${spawned.stderr()}`,
      );
    }
    await sleep(50);
  }

  const url = `http://127.0.0.1:${port}`;
  return {
    port,
    url,
    databasePath,
    env,
    child: spawned.child,
    stdout: spawned.stdout,
    stderr: spawned.stderr,
    exited: spawned.exited,
    hasExited: spawned.hasExited,
    // Like a browser, a POST from our pages carries our Origin (the same-origin form check).
    fetch: (path, init = {}) => {
      const headers = new Headers(init.headers);
      if ((init.method ?? 'GET') !== 'GET' && !headers.has('Origin')) headers.set('Origin', url);
      return fetch(url + path, { redirect: 'manual', ...init, headers });
    },
    stop: (graceMs = 5000) => stopChild(spawned, graceMs),
  };
}

export interface RunResult extends ExitInfo {
  stdout: string;
  stderr: string;
  /** True when we had to kill it because it was still running after the timeout. */
  timedOut: boolean;
}

/** Starts the server with `env` (on top of the cleaned environment) and waits for it to exit. */
export async function runUntilExit(env: EnvVars, timeoutMs = 20_000): Promise<RunResult> {
  const spawned = spawnServer(cleanEnv(env));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void stopChild(spawned, 2000);
  }, timeoutMs);
  const exit = await spawned.exited;
  clearTimeout(timer);
  return { ...exit, stdout: spawned.stdout(), stderr: spawned.stderr(), timedOut };
}

// ---------------------------------------------------------------------------------------------
// Talking to the server like a browser

/** GET /s/<site>, take the page's own consent hash, POST the form as a browser would. */
export async function submitSignup(
  server: Pick<ServerProcess, 'fetch'>,
  fields: { email: string; categories: string[]; name?: string; lang?: string },
  site = 'demo',
): Promise<Response> {
  const pageResponse = await server.fetch(`/s/${site}`);
  const html = await pageResponse.text();
  if (pageResponse.status !== 200) throw new Error(`GET /s/${site} answered ${pageResponse.status}`);
  const consent = /name="consent" value="([0-9a-f]{64})"/.exec(html)?.[1];
  if (!consent) throw new Error(`no consent field on /s/${site}`);
  // Like a browser: every hidden field the page carries, the form's own hash too.
  const formSha256 = /name="form" value="([0-9a-f]{64})"/.exec(html)?.[1] ?? '';
  const form = new URLSearchParams({
    email: fields.email,
    name: fields.name ?? '',
    lang: fields.lang ?? 'en',
    consent,
    form: formSha256,
  });
  for (const key of fields.categories) form.append('categories', key);
  return server.fetch(`/s/${site}`, {
    method: 'POST',
    body: form,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'User-Agent': 'IntegrationTest/1.0' },
  });
}

/** Every http(s) URL in a piece of text. */
export function urlsIn(text: string): string[] {
  return text.match(/https?:\/\/[^\s<>"]+/g) ?? [];
}

// ---------------------------------------------------------------------------------------------
// A fake Resend API

export interface ResendEmailBody {
  from?: string;
  to?: string[] | string;
  subject?: string;
  html?: string;
  text?: string;
  headers?: Record<string, string>;
  [key: string]: unknown;
}

export interface FakeRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body (undefined when it was not JSON). */
  body: ResendEmailBody | undefined;
  rawBody: string;
  receivedAt: number;
  /** What the fake answered. */
  status: number;
  idempotencyKey: string | undefined;
}

export interface ScriptedFailure {
  times: number;
  status: number;
  body: unknown;
  /** Only requests this matches consume the failure; default: any POST /emails. */
  match?: (request: FakeRequest) => boolean;
}

export interface FakeResend {
  port: number;
  /** For RESEND_BASE_URL (no trailing slash). */
  url: string;
  /** Every request, in arrival order. */
  requests: FakeRequest[];
  /** POST /emails requests, optionally only those addressed to `to`. */
  emails(to?: string): FakeRequest[];
  /** Answer the next `times` matching POST /emails with an error (default 500 internal_server_error). */
  failNext(times: number, options?: Partial<Omit<ScriptedFailure, 'times'>>): void;
  /** Drop every scripted failure: from now on every send succeeds. */
  succeedFromNow(): void;
  close(): Promise<void>;
}

export const INTERNAL_ERROR_BODY = { statusCode: 500, name: 'internal_server_error', message: 'boom' };

function addresses(to: ResendEmailBody['to']): string[] {
  return Array.isArray(to) ? to : typeof to === 'string' ? [to] : [];
}

export async function startFakeResend(port = 0): Promise<FakeResend> {
  const requests: FakeRequest[] = [];
  let failures: ScriptedFailure[] = [];

  const server: Server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let body: ResendEmailBody | undefined;
      try {
        body = JSON.parse(rawBody) as ResendEmailBody;
      } catch {
        body = undefined;
      }
      const header = req.headers['idempotency-key'];
      const request: FakeRequest = {
        method: req.method ?? '',
        path: (req.url ?? '').split('?')[0]!,
        headers: req.headers,
        body,
        rawBody,
        receivedAt: Date.now(),
        status: 0,
        idempotencyKey: Array.isArray(header) ? header[0] : header,
      };
      requests.push(request);

      let status = 200;
      let answer: unknown;
      if (request.method !== 'POST' || request.path !== '/emails') {
        status = 404;
        answer = { statusCode: 404, name: 'not_found', message: `no route ${request.method} ${request.path}` };
      } else {
        const failure = failures.find((f) => f.times > 0 && (!f.match || f.match(request)));
        if (failure) {
          failure.times--;
          status = failure.status;
          answer = failure.body;
        } else {
          answer = { id: randomUUID() };
        }
      }
      request.status = status;
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(answer));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actualPort = (server.address() as AddressInfo).port;

  return {
    port: actualPort,
    url: `http://127.0.0.1:${actualPort}`,
    requests,
    emails: (to) =>
      requests.filter(
        (r) => r.method === 'POST' && r.path === '/emails' && (to === undefined || addresses(r.body?.to).includes(to)),
      ),
    failNext(times, options = {}) {
      failures.push({
        times,
        status: options.status ?? 500,
        body: options.body ?? INTERNAL_ERROR_BODY,
        match: options.match,
      });
    },
    succeedFromNow() {
      failures = [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Whether a fake request was addressed to `to`. */
export function isTo(to: string) {
  return (request: FakeRequest) => addresses(request.body?.to).includes(to);
}
