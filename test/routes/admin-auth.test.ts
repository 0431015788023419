// The console's door: operators made on the command line, a one-time setup link, sign-in with
// its limits, sessions that end, and nothing shown to anyone without one.
import { beforeEach, describe, expect, it } from 'vitest';
import { createOperator, disableOperator, resetOperator } from '../../src/domain/operators.ts';
import { addTeaSite, form, OPERATOR_PASSWORD, withCookie } from '../helpers/console.ts';
import { makeTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});

const HOUR = 3_600_000;
const PASSWORD = OPERATOR_PASSWORD;
const pathOf = (url: string) => new URL(url).pathname;
const cookieOf = (res: Response) => /assent_admin=([^;]+)/.exec(res.headers.get('Set-Cookie') ?? '')?.[1] ?? null;

async function operator(email = 'owner@shop.example', role = 'owner', siteId?: string) {
  const { setupUrl } = await createOperator(t.deps, { email, role, siteId });
  return pathOf(setupUrl);
}

async function setUp(email = 'owner@shop.example', role = 'owner', siteId?: string) {
  const res = await t.request(await operator(email, role, siteId), form({ password: PASSWORD, repeat: PASSWORD }));
  expect(res.status).toBe(303);
  return cookieOf(res)!;
}

const signIn = (email: string, password: string, headers: Record<string, string> = {}) =>
  t.request('/admin/login', { ...form({ email, password }), headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers } });

describe('the setup link', () => {
  it('lets the new operator choose a password once, signs them in, and is spent', async () => {
    const link = await operator();
    const page = await t.request(link);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('owner@shop.example');

    const short = await t.request(link, form({ password: 'short', repeat: 'short' }));
    expect(short.status).toBe(400);
    expect(await short.text()).toContain('Use at least 12 characters.');
    const differ = await t.request(link, form({ password: PASSWORD, repeat: `${PASSWORD}!` }));
    expect(await differ.text()).toContain('The two passwords differ.');

    const done = await t.request(link, form({ password: PASSWORD, repeat: PASSWORD }));
    expect(done.status).toBe(303);
    expect(done.headers.get('Location')).toBe('/admin?lang=en');
    const cookie = done.headers.get('Set-Cookie')!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Secure/i);
    expect(cookie).toMatch(/Path=\/admin/);

    const home = await t.request('/admin', withCookie(cookieOf(done)!));
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('Demo Shop');
    expect(home.headers.get('Cache-Control')).toBe('no-store');

    expect((await t.request(link)).status).toBe(404);
    expect((await t.request(link, form({ password: PASSWORD, repeat: PASSWORD }))).status).toBe(404);
  });

  it('runs out after 24 hours', async () => {
    const link = await operator();
    t.clock.advance(24 * HOUR + 1000);
    const res = await t.request(link);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('This setup link does not work');
  });

  it('refuses what the command line must not make: a second operator with the same address, an owner of one site, an unknown role', async () => {
    await operator();
    await expect(createOperator(t.deps, { email: 'OWNER@shop.example', role: 'viewer' })).rejects.toMatchObject({ field: 'email', taken: true, message: expect.stringMatching(/already an operator/) });
    await expect(createOperator(t.deps, { email: 'a@shop.example', role: 'owner', siteId: 'demo' })).rejects.toMatchObject({ field: 'site' });
    await expect(createOperator(t.deps, { email: 'a@shop.example', role: 'admin' })).rejects.toMatchObject({ field: 'role' });
    await expect(createOperator(t.deps, { email: 'a@shop.example', role: 'editor', siteId: 'nope' })).rejects.toMatchObject({ field: 'site', message: 'no site "nope"' });
    await expect(createOperator(t.deps, { email: 'not an address', role: 'viewer' })).rejects.toMatchObject({ field: 'email' });
  });
});

describe('without a session', () => {
  it('every console page sends the visitor to sign in and shows nothing', async () => {
    for (const path of ['/admin', '/admin/', '/admin/sites/demo', '/admin/anything?lang=ja']) {
      const res = await t.request(path);
      expect(res.status, path).toBe(303);
      expect(res.headers.get('Location'), path).toMatch(/^\/admin\/login\?lang=(en|ja)$/);
      expect(await res.text(), path).not.toContain('Demo Shop');
    }
    const forged = await t.request('/admin', withCookie('made-up-value'));
    expect(forged.status).toBe(303);
  });
});

describe('signing in', () => {
  it('takes the right password, and answers a wrong one or an unknown address alike', async () => {
    await setUp();
    const wrong = await signIn('owner@shop.example', 'not the password');
    const unknown = await signIn('nobody@shop.example', PASSWORD);
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(await wrong.text()).toContain('That address and password do not match an operator.');
    expect(await unknown.text()).toContain('That address and password do not match an operator.');
    expect(cookieOf(wrong)).toBeNull();
    const right = await signIn(' Owner@Shop.example ', PASSWORD);
    expect(right.status).toBe(303);
    expect((await t.request('/admin', withCookie(cookieOf(right)!))).status).toBe(200);
  });

  it('stops guessing at one account after 5 wrong passwords, the right one included, until the window ends', async () => {
    await setUp();
    for (let i = 0; i < 5; i++) expect((await signIn('owner@shop.example', `guess ${i} is wrong`)).status).toBe(401);
    const limited = await signIn('owner@shop.example', PASSWORD);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThan(0);
    expect(await limited.text()).toContain('Too many attempts.');
    t.clock.advance(16 * 60_000);
    expect((await signIn('owner@shop.example', PASSWORD)).status).toBe(303);
  });

  it('refuses a sign-in posted from another site', async () => {
    await setUp();
    const res = await signIn('owner@shop.example', PASSWORD, { Origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(cookieOf(res)).toBeNull();
  });
});

describe('sessions', () => {
  it('end on sign-out', async () => {
    const cookie = await setUp();
    const out = await t.request('/admin/logout', withCookie(cookie, { method: 'POST' }));
    expect(out.status).toBe(303);
    expect(out.headers.get('Location')).toBe('/admin/login?lang=en&out=1');
    expect((await t.request('/admin', withCookie(cookie))).status).toBe(303);
  });

  it('end after 8 hours without a request, and last while used', async () => {
    const cookie = await setUp();
    for (let i = 0; i < 3; i++) {
      t.clock.advance(7 * HOUR);
      expect((await t.request('/admin', withCookie(cookie))).status).toBe(200);
    }
    t.clock.advance(8 * HOUR + 1000);
    expect((await t.request('/admin', withCookie(cookie))).status).toBe(303);
  });

  it('end when the operator is disabled, and a reset gives a new link while the old password stops working', async () => {
    const cookie = await setUp();
    await disableOperator(t.deps, 'owner@shop.example');
    expect((await t.request('/admin', withCookie(cookie))).status).toBe(303);
    expect((await signIn('owner@shop.example', PASSWORD)).status).toBe(401);

    const link = pathOf(await resetOperator(t.deps, 'owner@shop.example'));
    expect((await signIn('owner@shop.example', PASSWORD)).status).toBe(401);
    const fresh = 'a new and longer passphrase';
    expect((await t.request(link, form({ password: fresh, repeat: fresh }))).status).toBe(303);
    expect((await signIn('owner@shop.example', fresh)).status).toBe(303);
  });
});

describe('roles', () => {
  it('an editor of one site sees that site only', async () => {
    await addTeaSite(t);
    const owner = await setUp();
    const editor = await setUp('editor@tea.example', 'editor', 'tea');
    const ownerHome = await (await t.request('/admin', withCookie(owner))).text();
    expect(ownerHome).toContain('Demo Shop');
    expect(ownerHome).toContain('Tea House');
    const editorHome = await (await t.request('/admin', withCookie(editor))).text();
    expect(editorHome).toContain('Tea House');
    expect(editorHome).not.toContain('Demo Shop');
  });
});
