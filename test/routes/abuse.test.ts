// List-bombing and enumeration: per-IP rate limits on the signup form and the link pages, the
// honeypot field, Cloudflare Turnstile (against a local stand-in for siteverify), and the one
// answer the signup form gives whatever happened.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.tsx';
import type { Env } from '../../src/config.ts';
import { sha256Hex } from '../../src/domain/ids.ts';
import { BASE_URL, TEST_IP, confirmPath, makeTestApp, withOrigin, type TestApp } from '../helpers/test-app.ts';

const MINUTE = 60_000;
const OTHER_IP = '198.51.100.23';
const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };

type Requester = (path: string, init?: RequestInit) => Response | Promise<Response>;

/** The same app (same database, clock and config) seen from another client address. */
function from(t: TestApp, ip: string | null, withClientIp = true): Requester {
  const app = createApp(() => t.deps, withClientIp ? { clientIp: () => ip } : {});
  return (path, init) => app.request(path, withOrigin(init));
}

interface Submission {
  email: string;
  categories?: string[];
  lang?: string;
  extra?: Record<string, string>;
}

/** Submits the signup form as a browser would, with any extra fields (honeypot, Turnstile). */
async function submit(t: TestApp, fields: Submission, request: Requester = t.request) {
  const html = await (await t.request(`/s/demo${fields.lang ? `?lang=${fields.lang}` : ''}`)).text();
  const consent = /name="consent" value="([0-9a-f]{64})"/.exec(html)?.[1] ?? '';
  const form = new URLSearchParams({ email: fields.email, name: '', consent, lang: fields.lang ?? 'en', ...fields.extra });
  for (const key of fields.categories ?? ['newsletter']) form.append('categories', key);
  return request('/s/demo', { method: 'POST', body: form, headers: { ...FORM, 'User-Agent': 'TestBrowser/1.0' } });
}

/** Rows that a signup would have written. */
async function recorded(t: TestApp) {
  const count = async (table: 'contacts' | 'consent_events' | 'consents' | 'outbox') =>
    Number((await t.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  return { contacts: await count('contacts'), events: await count('consent_events'), consents: await count('consents'), outbox: await count('outbox') };
}
const NOTHING = { contacts: 0, events: 0, consents: 0, outbox: 0 };

/** Signs up, confirms and returns the welcome email's List-Unsubscribe path. */
async function unsubscribePath(t: TestApp, email: string): Promise<string> {
  expect((await submit(t, { email })).status).toBe(200);
  const [mail] = await t.deliver();
  expect((await t.request(confirmPath(mail!), { method: 'POST' })).status).toBe(200);
  const [welcome] = await t.deliver();
  return welcome!.headers['List-Unsubscribe']!.slice(`<${BASE_URL}`.length, -1);
}

describe('per-IP rate limit on POST /s/{site}', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ RATE_LIMIT_SIGNUP: '3/10m' });
    t.clock.set('2026-11-01T09:02:30.400Z'); // 449.6 s before the window ends: Retry-After rounds up
  });

  it('answers 429 with Retry-After once the limit is used, and records nothing', async () => {
    for (let i = 0; i < 3; i++) expect((await submit(t, { email: `a${i}@example.com` })).status).toBe(200);
    const before = await recorded(t);
    const res = await submit(t, { email: 'late@example.com' });
    expect(res.status).toBe(429);
    expect(res.headers.get('Retry-After')).toBe('450');
    const html = await res.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('Too many requests');
    expect(html).toContain('try again in 8 minutes');
    expect(await recorded(t)).toEqual(before);
    // The form itself still shows: only submissions count.
    expect((await t.request('/s/demo')).status).toBe(200);
  });

  it('speaks the language of the form that was sent', async () => {
    for (let i = 0; i < 3; i++) await submit(t, { email: `a${i}@example.com` });
    const res = await submit(t, { email: 'late@example.com', lang: 'ja' });
    expect(res.status).toBe(429);
    const html = await res.text();
    expect(html).toContain('<html lang="ja">');
    expect(html).toContain('リクエストが多すぎます');
    expect(html).toContain('8分間ほど待ってから');
  });

  it('limits each address on its own: another IP is not limited', async () => {
    for (let i = 0; i < 4; i++) await submit(t, { email: `a${i}@example.com` });
    expect((await submit(t, { email: 'again@example.com' })).status).toBe(429);
    const other = from(t, OTHER_IP);
    expect((await submit(t, { email: 'other@example.com' }, other)).status).toBe(200);
    const events = await t.db.selectFrom('consent_events').select('id').execute();
    expect(events).toHaveLength(4); // three from TEST_IP, one from OTHER_IP
  });

  it('counts an IPv6 client per /64, since one host may hold all of it', async () => {
    const hosts = ['2001:db8:1:2::1', '2001:db8:1:2:aaaa::7', '2001:0db8:0001:0002:ffff:0:0:9'];
    for (const [i, ip] of hosts.entries()) expect((await submit(t, { email: `v6-${i}@example.com` }, from(t, ip))).status).toBe(200);
    expect((await submit(t, { email: 'v6-4@example.com' }, from(t, '2001:db8:1:2::abcd'))).status).toBe(429);
    expect((await submit(t, { email: 'v6-5@example.com' }, from(t, '2001:db8:1:3::1'))).status).toBe(200);
  });

  it('starts again when the window ends, not a second before', async () => {
    for (let i = 0; i < 3; i++) await submit(t, { email: `a${i}@example.com` });
    expect((await submit(t, { email: 'late@example.com' })).status).toBe(429);
    t.clock.advance(449_000);
    const last = await submit(t, { email: 'late@example.com' });
    expect(last.status).toBe(429);
    expect(last.headers.get('Retry-After')).toBe('1');
    t.clock.advance(1_000);
    expect((await submit(t, { email: 'late@example.com' })).status).toBe(200);
  });

  it('puts clients of unknown address in one shared bucket', async () => {
    const unknownA = from(t, null);
    const unknownB = from(t, null, false); // a runtime that cannot tell the peer at all
    for (let i = 0; i < 2; i++) expect((await submit(t, { email: `u${i}@example.com` }, unknownA)).status).toBe(200);
    expect((await submit(t, { email: 'u2@example.com' }, unknownB)).status).toBe(200);
    expect((await submit(t, { email: 'u3@example.com' }, unknownB)).status).toBe(429);
    expect((await submit(t, { email: 'u4@example.com' }, unknownA)).status).toBe(429);
    expect((await submit(t, { email: 'known@example.com' })).status).toBe(200);
  });

  it('counts forged cross-site submissions too', async () => {
    for (let i = 0; i < 3; i++) {
      const forged = await t.request('/s/demo', { method: 'POST', body: 'email=x%40example.com', headers: { ...FORM, Origin: 'https://evil.example' } });
      expect(forged.status).toBe(403);
    }
    expect((await submit(t, { email: 'real@example.com' })).status).toBe(429);
  });
});

describe('per-IP rate limit on the link pages', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ RATE_LIMIT_LINKS: '4/10m' });
  });

  it('counts GET, HEAD and POST on /c/, /u/ and /p/ together, then answers 429', async () => {
    expect((await t.request('/c/not-a-token')).status).toBe(400);
    expect((await t.request('/u/not-a-token', { method: 'HEAD' })).status).toBe(400);
    expect((await t.request('/p/not-a-token')).status).toBe(400);
    expect((await t.request('/p/not-a-token', { method: 'POST', body: 'newsletter=on', headers: FORM })).status).toBe(400);
    for (const path of ['/c/not-a-token', '/u/not-a-token', '/p/not-a-token']) {
      const res = await t.request(path, { headers: { 'Accept-Language': 'ja' } });
      expect(res.status, path).toBe(429);
      expect(res.headers.get('Retry-After'), path).toBe('600');
      expect(await res.text(), path).toContain('リクエストが多すぎます');
    }
    expect((await from(t, OTHER_IP)('/c/not-a-token')).status).toBe(400);
  });

  it('shares nothing with the signup limit', async () => {
    for (let i = 0; i < 5; i++) await t.request('/p/not-a-token');
    expect((await t.request('/p/not-a-token')).status).toBe(429);
    expect((await submit(t, { email: 'still@example.com' })).status).toBe(200);
  });

  it('never limits the RFC 8058 one-click, in either form encoding, but does limit the page button', async () => {
    const path = await unsubscribePath(t, 'alice@example.com'); // spends 1 of the 4: the confirm POST
    for (let i = 0; i < 3; i++) await t.request(path);
    expect((await t.request(path)).status).toBe(429);

    const button = await t.request(path, { method: 'POST', body: 'unsubscribe=page', headers: FORM });
    expect(button.status).toBe(429);
    expect(await t.db.selectFrom('consents').select('status').execute()).toEqual([{ status: 'granted' }]);

    const multipart = new FormData();
    multipart.set('List-Unsubscribe', 'One-Click');
    for (let i = 0; i < 20; i++) {
      const body = i % 2 ? multipart : 'List-Unsubscribe=One-Click';
      const res = await t.request(path, { method: 'POST', body, headers: i % 2 ? { Origin: 'none' } : { ...FORM, Origin: 'none' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('Retry-After')).toBeNull();
    }
    expect(await t.db.selectFrom('consents').select('status').execute()).toEqual([{ status: 'withdrawn' }]);
  });

  it('counts one-clicks whose token is not a valid unsubscribe token, while real ones from the same address keep working', async () => {
    const path = await unsubscribePath(t, 'alice@example.com'); // spends 1 of the 4: the confirm POST
    const token = path.slice('/u/'.length);
    const manage = await t.deps.tokens.sign({ purpose: 'manage', subject: 'x', site: 'demo', epoch: 0 });
    const forged = ['not-a-token', `${token.slice(0, -3)}AAA`, manage, 'eyJhbGciOiJub25lIn0.eyJwdXIiOiJ1bnN1YnNjcmliZSJ9.'];
    const oneClick = (target: string) =>
      t.request(target, { method: 'POST', body: 'List-Unsubscribe=One-Click', headers: { ...FORM, Origin: 'none' } });
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await oneClick(`/u/${forged[i % forged.length]}`)).status);
    expect(statuses.slice(0, 3)).toEqual([400, 400, 400]);
    expect(statuses.slice(3)).toEqual(Array(37).fill(429));
    const refused = await oneClick(`/u/${forged[0]}`);
    expect(Number(refused.headers.get('Retry-After'))).toBeGreaterThan(0);
    // The genuine one-click from the same, throttled address: never refused.
    for (let i = 0; i < 10; i++) {
      const res = await oneClick(path);
      expect(res.status).toBe(200);
      expect(res.headers.get('Retry-After')).toBeNull();
    }
    expect(await t.db.selectFrom('consents').select('status').execute()).toEqual([{ status: 'withdrawn' }]);
  });

  it('keeps an expired unsubscribe token unlimited: it came from a real email', async () => {
    const limited = await makeTestApp({ RATE_LIMIT_LINKS: '4/10m', LINK_TTL: '60d' });
    const path = await unsubscribePath(limited, 'alice@example.com');
    limited.clock.advance(61 * 86400_000);
    for (let i = 0; i < 5; i++) await limited.request('/p/not-a-token');
    expect((await limited.request('/p/not-a-token')).status).toBe(429);
    const res = await limited.request(path, { method: 'POST', body: 'List-Unsubscribe=One-Click', headers: { ...FORM, Origin: 'none' } });
    expect(res.status).not.toBe(429);
  });
});

describe('the counters', () => {
  it('never hold the client address, only a keyed hash of it', async () => {
    const t = await makeTestApp();
    await submit(t, { email: 'a@example.com' });
    await t.request('/p/not-a-token');
    const rows = await t.db.selectFrom('rate_limits').selectAll().orderBy('bucket').execute();
    expect(rows.map((row) => [row.bucket.split(':')[0], row.count])).toEqual([
      ['links', 1],
      ['signup', 1],
    ]);
    const dump = JSON.stringify(rows);
    expect(dump).not.toContain(TEST_IP);
    expect(dump).not.toContain(await sha256Hex(TEST_IP)); // a plain hash of 2^32 addresses is easy to reverse
    for (const row of rows) expect(row.bucket).toMatch(/^(signup|links):[0-9a-f]{64}$/);

    // Keyed with LOOKUP_KEY: another deployment sees other buckets for the same address.
    const other = await makeTestApp({ LOOKUP_KEY: 'm'.repeat(40) });
    await submit(other, { email: 'a@example.com' });
    const [otherRow] = await other.db.selectFrom('rate_limits').select('bucket').execute();
    expect(rows.map((row) => row.bucket)).not.toContain(otherRow!.bucket);
  });

  it('drop windows that have ended when a new one starts', async () => {
    const t = await makeTestApp();
    await submit(t, { email: 'a@example.com' });
    await t.request('/p/not-a-token');
    await from(t, OTHER_IP)('/p/not-a-token');
    expect(await t.db.selectFrom('rate_limits').select('window_start').execute()).toHaveLength(3);
    t.clock.advance(10 * MINUTE);
    await t.request('/p/not-a-token');
    const rows = await t.db.selectFrom('rate_limits').select(['bucket', 'window_start', 'count']).execute();
    expect(rows).toEqual([{ bucket: expect.stringMatching(/^links:/), window_start: '2026-11-01T09:10:00.000Z', count: 1 }]);
  });
});

describe('the honeypot field', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp();
  });

  it('is on the form, out of sight, out of the tab order and hidden from screen readers', async () => {
    const html = await (await t.request('/s/demo')).text();
    const trap = /<div class="trap" aria-hidden="true">([\s\S]*?)<\/div>/.exec(html)?.[1] ?? '';
    expect(trap).toMatch(/<input type="text" name="website"[^>]*>/);
    const input = /<input[^>]*name="website"[^>]*>/.exec(trap)![0];
    expect(input).toContain('tabindex="-1"');
    expect(input).toContain('autocomplete="off"');
    expect(input).toContain('value=""');
    expect(trap).toContain('Leave this field empty'); // for anyone who sees it without the CSS
    // The CSP forbids inline styles: the stylesheet hides it (the runtime serves static/).
    const sheet = readFileSync(new URL('../../static/app.css', import.meta.url), 'utf8');
    expect(sheet).toMatch(/\.trap \{[^}]*position: absolute;[^}]*left: -10000px;/);
  });

  it('answers a filled-in honeypot exactly as a real signup, and records and sends nothing', async () => {
    const real = await submit(t, { email: 'real@example.com' });
    await t.db.deleteFrom('outbox').execute();
    const before = await recorded(t);
    const bot = await submit(t, { email: 'victim@example.com', extra: { website: 'https://spam.example' } });
    expect(bot.status).toBe(200);
    expect(await bot.text()).toBe(await real.text());
    expect(await recorded(t)).toEqual(before);
    expect(await t.deliver()).toEqual([]);
  });

  it('gives a bot no hint either when the rest of the form is wrong', async () => {
    const bot = await submit(t, { email: 'not-an-address', categories: [], extra: { website: 'x' } });
    expect(bot.status).toBe(200);
    expect(await bot.text()).toContain('Check your inbox');
    expect(await recorded(t)).toEqual(NOTHING);
  });
});

describe('the signup answer', () => {
  it('is the same for new, pending, throttled, confirmed, withdrawn and honeypot submissions', async () => {
    const t = await makeTestApp();
    const answers: [string, number, string][] = [];
    const answer = async (label: string, fields: Submission) => {
      const res = await submit(t, fields);
      answers.push([label, res.status, await res.text()]);
    };
    await answer('new', { email: 'new@example.com' });
    await answer('pending, throttled by address', { email: 'new@example.com' });
    t.clock.advance(11 * MINUTE);
    const [mail] = await t.deliver();
    await t.request(confirmPath(mail!), { method: 'POST' });
    await answer('confirmed', { email: 'new@example.com' });
    await t.db.updateTable('consents').set({ status: 'withdrawn' }).execute();
    await answer('withdrawn', { email: 'new@example.com' });
    await answer('honeypot', { email: 'new@example.com', extra: { website: 'x' } });
    expect(answers.map(([label, status]) => [label, status])).toEqual(answers.map(([label]) => [label, 200]));
    expect(new Set(answers.map(([, , body]) => body)).size).toBe(1);
  });
});

describe('Cloudflare Turnstile', () => {
  let verifier: Server;
  let verifyUrl: string;
  let seen: URLSearchParams[];
  let reply: { status: number; body: unknown };
  const SITE_KEY = '1x00000000000000000000AA';
  const SECRET = '1x0000000000000000000000000000000AA';

  beforeAll(async () => {
    verifier = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        seen.push(new URLSearchParams(Buffer.concat(chunks).toString()));
        res.writeHead(reply.status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(reply.body));
      });
    });
    await new Promise<void>((resolve) => verifier.listen(0, '127.0.0.1', resolve));
    verifyUrl = `http://127.0.0.1:${(verifier.address() as AddressInfo).port}/turnstile/v0/siteverify`;
  });
  afterAll(() => new Promise<void>((resolve) => verifier.close(() => resolve())));
  beforeEach(() => {
    seen = [];
    reply = { status: 200, body: { success: true, 'error-codes': [], hostname: 'assent.test' } };
  });

  const turnstileEnv = (): Env => ({ TURNSTILE_SITE_KEY: SITE_KEY, TURNSTILE_SECRET_KEY: SECRET, TURNSTILE_VERIFY_URL: verifyUrl });
  const token = (value: string) => ({ 'cf-turnstile-response': value });

  it('shows the widget and lets Cloudflare into the signup page’s CSP, and only there', async () => {
    const t = await makeTestApp(turnstileEnv());
    const res = await t.request('/s/demo?lang=ja');
    const html = await res.text();
    expect(html).toMatch(/<script src="https:\/\/challenges\.cloudflare\.com\/turnstile\/v0\/api\.js" async(="")? defer(="")?><\/script>/);
    expect(html).toContain(`<div class="cf-turnstile" data-sitekey="${SITE_KEY}" data-language="ja"></div>`);
    expect(html).toContain('JavaScript が必要です');
    const csp = res.headers.get('Content-Security-Policy')!;
    expect(csp).toContain("script-src 'self' https://challenges.cloudflare.com");
    expect(csp).toContain('frame-src https://challenges.cloudflare.com');
    expect(csp).toContain("style-src 'self'");
    const elsewhere = (await t.request('/p/not-a-token')).headers.get('Content-Security-Policy')!;
    expect(elsewhere).not.toContain('challenges.cloudflare.com');
  });

  it('is absent when not configured: no widget, no third party in the CSP, no call', async () => {
    const t = await makeTestApp();
    const res = await t.request('/s/demo');
    expect(await res.text()).not.toContain('cf-turnstile');
    expect(res.headers.get('Content-Security-Policy')).not.toContain('challenges.cloudflare.com');
    expect((await submit(t, { email: 'a@example.com' })).status).toBe(200);
    expect(seen).toEqual([]);
  });

  it('verifies the token with the secret and the client address, then signs up', async () => {
    const t = await makeTestApp(turnstileEnv());
    const res = await submit(t, { email: 'human@example.com', extra: token('token-from-widget') });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Check your inbox');
    expect(seen.map((form) => Object.fromEntries(form))).toEqual([{ secret: SECRET, response: 'token-from-widget', remoteip: TEST_IP }]);
    expect(await recorded(t)).toMatchObject({ contacts: 1, events: 1, outbox: 1 });
  });

  it('re-renders the form with the choices kept when Cloudflare refuses the token (400)', async () => {
    reply = { status: 200, body: { success: false, 'error-codes': ['invalid-input-response'] } };
    const t = await makeTestApp(turnstileEnv());
    const res = await submit(t, { email: 'bot@example.com', categories: ['offers'], extra: token('forged') });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('We could not confirm that you are not a robot.');
    expect(html).toContain('role="alert"');
    expect(html).toContain('value="bot@example.com"');
    expect(html).toMatch(/value="offers"[^>]*checked/);
    expect(html).toContain('class="cf-turnstile"');
    expect(seen).toHaveLength(1);
    expect(await recorded(t)).toEqual(NOTHING);
  });

  it('asks for the check when the token is missing, without calling Cloudflare (400)', async () => {
    const t = await makeTestApp(turnstileEnv());
    const res = await submit(t, { email: 'nojs@example.com', lang: 'ja' });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('ロボットでないことの確認を済ませてから');
    expect(html).toContain('value="nojs@example.com"');
    expect(seen).toEqual([]);
    expect(await recorded(t)).toEqual(NOTHING);
  });

  it('checks before the honeypot and before validation: a bot without a token learns nothing more', async () => {
    const t = await makeTestApp(turnstileEnv());
    const res = await submit(t, { email: 'x', extra: { website: 'x' } });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Please complete the check');
  });

  it('answers 503 and records nothing when the verifier cannot be reached', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const t = await makeTestApp({ ...turnstileEnv(), TURNSTILE_VERIFY_URL: `http://127.0.0.1:${port}/siteverify` });
    const res = await submit(t, { email: 'human@example.com', extra: token('token-from-widget') });
    expect(res.status).toBe(503);
    const html = await res.text();
    expect(html).toContain('Please try again in a moment');
    expect(html).toContain('Nothing was recorded or sent.');
    expect(await recorded(t)).toEqual(NOTHING);
  });

  it.each([
    ['an HTTP error', { status: 500, body: { error: 'boom' } }],
    ['an internal error', { status: 200, body: { success: false, 'error-codes': ['internal-error'] } }],
    ['a refused secret', { status: 200, body: { success: false, 'error-codes': ['invalid-input-secret'] } }],
  ])('answers 503 to %s from the verifier, not blaming the visitor', async (_, answer) => {
    reply = answer;
    const t = await makeTestApp(turnstileEnv());
    const res = await submit(t, { email: 'human@example.com', extra: token('token-from-widget') });
    expect(res.status).toBe(503);
    expect(seen).toHaveLength(1);
    expect(await recorded(t)).toEqual(NOTHING);
  });
});
