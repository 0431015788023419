// Runs the real server process (src/node.ts) and talks HTTP to it: zero-configuration start,
// configuration errors, delivery through a fake Resend API, retries and mail that survives a restart.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DevMail } from '../../src/mail/dev-mailbox.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  findFreePort,
  isTo,
  makeTempDir,
  removeTempDirs,
  runUntilExit,
  sleep,
  startFakeResend,
  startServer,
  submitSignup,
  urlsIn,
  waitFor,
  type EnvVars,
  type FakeResend,
  type ServerProcess,
} from '../helpers/server-process.ts';

// Runs after every block's afterAll has stopped its servers.
afterAll(() => removeTempDirs());

const ADMIN_KEY = 'integration-admin-key-0123456789';
const MAIL_FROM = 'Shop <news@shop.example>';


/** Servers started by a block, stopped in its afterAll whatever happened. */
function serverPool() {
  const started: ServerProcess[] = [];
  return {
    async start(...args: Parameters<typeof startServer>) {
      const server = await startServer(...args);
      started.push(server);
      return server;
    },
    async stopAll() {
      await Promise.all(started.map((server) => server.stop()));
    },
  };
}

function resendEnv(fake: FakeResend): EnvVars {
  return {
    RESEND_API_KEY: 're_test_123',
    RESEND_BASE_URL: fake.url,
    ADMIN_API_KEY: ADMIN_KEY,
    MAIL_FROM,
  };
}

describe('zero configuration', () => {
  const pool = serverPool();
  afterAll(() => pool.stopAll());

  it('starts, takes a signup into the dev mailbox, confirms, and keeps its secrets across a restart', async () => {
    const dir = makeTempDir();
    const databasePath = join(dir, 'consent.db');
    const port = await findFreePort();
    const baseUrl = `http://localhost:${port}`;
    const server = await pool.start({ port, databasePath });

    // The signup page offers both opt-in categories, none ticked in advance.
    const pageResponse = await server.fetch('/s/demo');
    expect(pageResponse.status).toBe(200);
    const pageHtml = await pageResponse.text();
    const checkboxes = (pageHtml.match(/<input\b[^>]*>/g) ?? []).filter(
      (tag) => /type="checkbox"/.test(tag) && /name="categories"/.test(tag),
    );
    const values = checkboxes.map((tag) => /value="([^"]*)"/.exec(tag)?.[1]).sort();
    expect(values).toEqual(['newsletter', 'offers']);
    for (const tag of checkboxes) expect(tag).not.toMatch(/\bchecked\b/);

    // The database and the generated secrets sit side by side.
    expect(dirname(databasePath)).toBe(dir);
    expect(existsSync(databasePath)).toBe(true);
    const secretsFile = join(dir, 'secrets.json');
    expect(existsSync(secretsFile)).toBe(true);
    const secretsBefore = readFileSync(secretsFile, 'utf8');

    const email = 'zero@example.com';
    const signup = await submitSignup(server, { email, categories: ['newsletter'] });
    expect(signup.status).toBe(200);
    expect(await signup.text()).toContain('Check your inbox');

    const mail = await waitFor(
      async () => {
        const response = await server.fetch('/dev/mailbox.json');
        if (response.status !== 200) throw new Error(`/dev/mailbox.json answered ${response.status}`);
        const mails = (await response.json()) as DevMail[];
        return mails.find((m) => m.to.includes(email));
      },
      { timeoutMs: 8000, what: `a dev mailbox message to ${email}` },
    );
    expect(mail.to).toEqual([email]);
    const ours = urlsIn(mail.text).filter((url) => url.startsWith(baseUrl));
    expect(ours).toHaveLength(1);
    const link = ours[0]!;
    expect(mail.text.split('\n')).toContain(link);
    const path = link.slice(baseUrl.length);
    expect(path).toMatch(/^\/c\/[^/]+$/);

    // Opening the link only shows a Confirm button; pressing it confirms.
    const confirmPage = await server.fetch(path);
    expect(confirmPage.status).toBe(200);
    const confirmHtml = await confirmPage.text();
    // The button's form posts back to the link itself (as a path, or absolute under BASE_URL).
    const action = /<form method="post" action="([^"]*)"[^>]*>\s*<button type="submit">Confirm<\/button>/.exec(
      confirmHtml,
    )?.[1];
    expect(action, 'a form with a Confirm button').toBeDefined();
    expect(new URL(action!, baseUrl).href).toBe(link);

    const confirmed = await server.fetch(path, { method: 'POST' });
    expect(confirmed.status).toBe(200);
    expect(await confirmed.text()).toContain('You are confirmed');

    // Without ADMIN_API_KEY there is no operator API at all.
    const api = await server.fetch('/api/v1/sites/demo/contacts/lookup', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer whatever-key-0123456789' },
      body: JSON.stringify({ email }),
    });
    expect(api.status).toBe(404);

    // Restart on the same database: same secrets, so the mailed link still verifies.
    const exit = await server.stop();
    expect(exit).toEqual({ code: 0, signal: null });
    const again = await pool.start({ port, databasePath });
    expect(readFileSync(secretsFile, 'utf8')).toBe(secretsBefore);
    const reopened = await again.fetch(path);
    expect(reopened.status).toBe(200);
    expect(await reopened.text()).toContain('You are confirmed');
  }, 45_000);
});

describe('a bad configuration value stops the start', () => {
  const cases = [
    { variable: 'TOKEN_SECRETS', value: 'k1:short' },
    { variable: 'PORT', value: 'notaport' },
    { variable: 'CONFIRM_TTL', value: 'soon' },
    { variable: 'ADMIN_API_KEY', value: 'short' },
  ];

  it.concurrent.for(cases)('$variable=$value', async ({ variable, value }, { expect }) => {
    const env: EnvVars = {
      PORT: String(await findFreePort()),
      DATABASE_PATH: join(makeTempDir(), 'consent.db'),
      [variable]: value,
    };
    const result = await runUntilExit(env, 15_000);
    const output = `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
    expect(result.timedOut, output).toBe(false);
    expect(result.code, output).not.toBe(0);
    expect(result.code, output).not.toBeNull();
    expect(result.stderr).toContain(variable);
    expect(result.stdout).not.toContain('assent listening');
  });
});

describe('a plain-http public BASE_URL', () => {
  const pool = serverPool();
  afterAll(() => pool.stopAll());

  it('starts, with a warning that one-click unsubscribe needs https', async () => {
    const server = await pool.start({ env: { BASE_URL: 'http://consent.example.com', RESEND_API_KEY: 're_test_123' } });
    expect(server.stderr()).toContain('BASE_URL http://consent.example.com is not https');
    const local = await pool.start();
    expect(local.stderr()).not.toContain('is not https');
  });
});

describe('delivery through Resend', () => {
  const pool = serverPool();
  let fake: FakeResend;
  let server: ServerProcess;
  let baseUrl: string;

  beforeAll(async () => {
    fake = await startFakeResend();
    server = await pool.start({ env: resendEnv(fake) });
    baseUrl = `http://localhost:${server.port}`;
  });
  afterAll(async () => {
    await pool.stopAll();
    await fake?.close();
  });

  it('sends the confirmation email to the Resend API', async () => {
    const email = 'alice@example.com';
    const signup = await submitSignup(server, { email, categories: ['newsletter'] });
    expect(signup.status).toBe(200);

    const [request] = await waitFor(() => fake.emails(email).length > 0 && fake.emails(email), {
      timeoutMs: 5000,
      what: `a POST /emails to ${email}`,
    });
    expect(request!.headers.authorization).toBe('Bearer re_test_123');
    expect(request!.idempotencyKey).toBeTruthy();
    const body = request!.body!;
    expect(body.to).toEqual([email]);
    // From the site by name at MAIL_FROM's address; replies go to its inquiry address (Resend's reply_to).
    expect(body.from).toBe('Demo Shop <news@shop.example>');
    expect((body as Record<string, unknown>).reply_to).toBe('privacy@example.com');
    expect(body.headers).toEqual({ 'Feedback-ID': 'confirmation:demo:assent' });
    expect(body.subject).toContain('Demo Shop');
    expect(typeof body.html).toBe('string');
    expect(body.html!.length).toBeGreaterThan(0);
    expect(typeof body.text).toBe('string');
    const links = urlsIn(body.text!);
    expect(links).toHaveLength(1);
    expect(links[0]).toContain('/c/');
    expect(links[0]!.startsWith(`${baseUrl}/c/`)).toBe(true);
    expect(body.html).toContain(links[0]);

    // The operator API exists with ADMIN_API_KEY set, and sees the pending request.
    const lookup = await server.fetch('/api/v1/sites/demo/contacts/lookup', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${ADMIN_KEY}` },
      body: JSON.stringify({ email }),
    });
    expect(lookup.status).toBe(200);
    const found = (await lookup.json()) as { contact: { email: string; consents: { category: string; status: string }[] } };
    expect(found.contact.email).toBe(email);
    expect(found.contact.consents.map((c) => [c.category, c.status])).toEqual([['newsletter', 'pending']]);
  });

  it('has no dev mailbox when RESEND_API_KEY is set', async () => {
    expect((await server.fetch('/dev/mailbox')).status).toBe(404);
    expect((await server.fetch('/dev/mailbox.json')).status).toBe(404);
  });

  it('retries a failed send with the same idempotency key', async () => {
    const email = 'bob@example.com';
    fake.failNext(1, { match: isTo(email) });
    const signup = await submitSignup(server, { email, categories: ['offers'] });
    expect(signup.status).toBe(200);

    const [first, second] = await waitFor(() => fake.emails(email).length >= 2 && fake.emails(email), {
      timeoutMs: 8000,
      what: `a retried POST /emails to ${email}`,
    });
    expect(first!.status).toBe(500);
    expect(second!.status).toBe(200);
    expect(first!.idempotencyKey).toBeTruthy();
    expect(second!.idempotencyKey).toBe(first!.idempotencyKey);
    const gap = second!.receivedAt - first!.receivedAt;
    expect(gap).toBeGreaterThanOrEqual(1500); // the first retry is scheduled 2 s later
    expect(gap).toBeLessThanOrEqual(5000);
    expect(second!.rawBody).toBe(first!.rawBody);

    // Delivered once: no further sends for bob.
    await sleep(1500);
    expect(fake.emails(email)).toHaveLength(2);
  });
});

describe('mail left queued across a restart', () => {
  const pool = serverPool();
  let fake: FakeResend;
  afterAll(async () => {
    await pool.stopAll();
    await fake?.close();
  });

  it('is delivered by the next process on the same database', async () => {
    const email = 'carol@example.com';
    fake = await startFakeResend();
    fake.failNext(50, { match: isTo(email) });
    const env = resendEnv(fake);
    const first = await pool.start({ env });

    const signup = await submitSignup(first, { email, categories: ['newsletter'] });
    expect(signup.status).toBe(200);
    await waitFor(() => fake.emails(email).length > 0, { timeoutMs: 5000, what: `a first attempt to ${email}` });
    expect(await first.stop()).toEqual({ code: 0, signal: null });

    const failedAttempts = fake.emails(email);
    expect(failedAttempts.length).toBeGreaterThan(0);
    expect(failedAttempts.every((r) => r.status === 500)).toBe(true);

    fake.succeedFromNow();
    const restartedAt = Date.now();
    const second = await pool.start({ port: first.port, databasePath: first.databasePath, env });
    expect(second.hasExited()).toBe(false);

    const delivered = await waitFor(() => fake.emails(email).find((r) => r.status === 200), {
      timeoutMs: 20_000,
      what: `${email}'s email to be delivered after the restart`,
    });
    expect(delivered.receivedAt).toBeGreaterThanOrEqual(restartedAt);
    expect(delivered.idempotencyKey).toBeTruthy();
    expect(delivered.idempotencyKey).toBe(failedAttempts[0]!.idempotencyKey);
    expect(delivered.body?.to).toEqual([email]);
    expect(fake.emails(email).filter((r) => r.status === 200)).toHaveLength(1);
  }, 45_000);
});
