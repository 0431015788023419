import { SignJWT } from 'jose';
import { beforeEach, describe, expect, it } from 'vitest';
import { confirm, loadConfirmation } from '../../src/domain/confirm.ts';
import { createTokens } from '../../src/domain/tokens.ts';
import { TEST_IP, confirmPath, withOrigin, makeTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
let path: string;
const HOUR = 3_600_000;
const evidence = { ip: TEST_IP, userAgent: 'Racer/1.0' };

beforeEach(async () => {
  t = await makeTestApp();
  await t.signup({ email: 'alice@example.com', name: 'Alice', categories: ['newsletter', 'offers'] });
  const [mail] = await t.deliver();
  path = confirmPath(mail!);
});

const post = (p: string, headers: Record<string, string> = {}) => t.request(p, { method: 'POST', headers });

describe('GET and HEAD /c/{token}', () => {
  it('show the categories and one Confirm button, and change nothing', async () => {
    const res = await t.request(path);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Confirm your subscription');
    expect(html).toContain('Newsletter');
    expect(html).toContain('Offers');
    expect(html.match(/<button/g)).toHaveLength(1);
    expect(html).toContain(`<form method="post" action="${path}">`);
    const head = await t.request(path, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await t.consents('alice@example.com')).toEqual({ newsletter: 'pending', offers: 'pending' });
    expect((await t.events('alice@example.com')).map((e) => e.action)).toEqual(['requested', 'requested']);
  });

  it('keep the token out of Referer headers', async () => {
    expect((await t.request(path)).headers.get('Referrer-Policy')).toBe('no-referrer');
  });
});

describe('POST /c/{token}', () => {
  it('confirms the pending categories with the confirming IP and user agent and the request’s wording', async () => {
    const res = await post(path, { 'User-Agent': 'Clicker/2.0' });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('You are confirmed');
    expect(html).toContain('Newsletter');
    expect(await t.consents('alice@example.com')).toEqual({ newsletter: 'granted', offers: 'granted' });
    const events = await t.events('alice@example.com');
    expect(events.map((e) => `${e.category_key}:${e.action}:${e.method}`)).toEqual([
      'newsletter:requested:signup_form',
      'offers:requested:signup_form',
      'newsletter:confirmed:confirmation_link',
      'offers:confirmed:confirmation_link',
    ]);
    const confirmed = events[2]!;
    expect(confirmed).toMatchObject({ ip: TEST_IP, user_agent: 'Clicker/2.0', policy_version: '2026-01', locale: 'en' });
    expect(confirmed.consent_text_sha256).toBe(events[0]!.consent_text_sha256);
    expect(confirmed.source_url).toBe(events[0]!.source_url);
  });

  it('pressing again shows the same confirmed page and writes nothing', async () => {
    const first = await (await post(path)).text();
    const count = (await t.events('alice@example.com')).length;
    const again = await post(path);
    expect(again.status).toBe(200);
    expect(await again.text()).toBe(first);
    expect(await t.events('alice@example.com')).toHaveLength(count);
    const view = await t.request(path);
    expect(view.status).toBe(200);
    expect(await view.text()).toContain('You are confirmed');
  });

  it('two presses at once confirm once', async () => {
    // Both requests read the link as open before either writes: only the guards stop a double.
    const token = path.slice('/c/'.length);
    const [first, second] = await Promise.all([loadConfirmation(t.deps, token), loadConfirmation(t.deps, token)]);
    if (first.status !== 'open' || second.status !== 'open') throw new Error('expected open links');
    await Promise.all([confirm(t.deps, first.context, evidence), confirm(t.deps, second.context, evidence)]);
    const confirmed = (await t.events('alice@example.com')).filter((e) => e.action === 'confirmed');
    expect(confirmed).toHaveLength(2);
  });

  it('does not re-grant a category withdrawn since the link was sent', async () => {
    await t.db.updateTable('consents').set({ status: 'withdrawn' }).where('category_key', '=', 'offers').execute();
    const html = await (await post(path)).text();
    expect(await t.consents('alice@example.com')).toEqual({ newsletter: 'granted', offers: 'withdrawn' });
    expect(html).toContain('Newsletter');
    expect(html).not.toContain('Offers');
  });

  it('marks the contact confirmed once', async () => {
    await post(path);
    const contact = await t.db.selectFrom('contacts').select('confirmed_at').executeTakeFirstOrThrow();
    expect(contact.confirmed_at).toBe('2026-11-01T09:00:00.000Z');
  });
});

describe('bad links get a 400 page and change nothing', () => {
  const token = () => path.slice('/c/'.length);
  const cases: [string, () => Promise<string>][] = [
    ['garbage', async () => 'not-a-token'],
    ['tampered payload', async () => {
      const [h, p, s] = token().split('.');
      const payload = JSON.parse(Buffer.from(p!, 'base64url').toString());
      payload.cats = ['newsletter', 'offers', 'extra'];
      return `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
    }],
    ['tampered signature', async () => token().slice(0, -2) + (token().endsWith('AA') ? 'BB' : 'AA')],
    ['wrong purpose', async () => {
      const claims = JSON.parse(Buffer.from(token().split('.')[1]!, 'base64url').toString());
      return t.deps.tokens.sign({ purpose: 'manage', subject: claims.sub, site: claims.site, jti: claims.jti, categories: claims.cats });
    }],
    ['unknown key id', async () => {
      const other = createTokens([{ kid: 'other', secret: 'z'.repeat(40) }], t.clock);
      const claims = JSON.parse(Buffer.from(token().split('.')[1]!, 'base64url').toString());
      return other.sign({ purpose: 'confirm', subject: claims.sub, site: claims.site, jti: claims.jti, categories: claims.cats });
    }],
    ['known kid, wrong secret', async () => {
      const claims = JSON.parse(Buffer.from(token().split('.')[1]!, 'base64url').toString());
      return new SignJWT({ pur: 'confirm', site: claims.site, cats: claims.cats })
        .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
        .setSubject(claims.sub)
        .setJti(claims.jti)
        .sign(new TextEncoder().encode('w'.repeat(40)));
    }],
    ['alg none', async () => {
      const [, p] = token().split('.');
      const header = Buffer.from(JSON.stringify({ alg: 'none', kid: 'k1' })).toString('base64url');
      return `${header}.${p}.`;
    }],
    ['unknown confirmation id', async () => {
      const claims = JSON.parse(Buffer.from(token().split('.')[1]!, 'base64url').toString());
      return t.deps.tokens.sign({ purpose: 'confirm', subject: claims.sub, site: claims.site, jti: 'nope', categories: claims.cats }, 3600);
    }],
  ];

  it.each(cases)('%s', async (_name, make) => {
    const bad = `/c/${await make()}`;
    for (const res of [await t.request(bad), await post(bad), await post(`${bad}/resend`)]) {
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('This link does not work');
    }
    expect(await t.consents('alice@example.com')).toEqual({ newsletter: 'pending', offers: 'pending' });
    expect(await t.deliver()).toEqual([]);
  });
});

describe('expired links', () => {
  it('answer 410 with a button that re-sends a fresh link to the stored address', async () => {
    t.clock.advance(49 * HOUR);
    const view = await t.request(path);
    expect(view.status).toBe(410);
    const html = await view.text();
    expect(html).toContain('This link has expired');
    expect(html).toContain(`action="${path}/resend"`);
    expect(html).not.toContain('name="email"');
    const press = await post(path);
    expect(press.status).toBe(410);
    expect(await t.consents('alice@example.com')).toEqual({ newsletter: 'pending', offers: 'pending' });

    const resend = await post(`${path}/resend`);
    expect(resend.status).toBe(200);
    expect(await resend.text()).toContain('A new link is on its way');
    const [mail] = await t.deliver();
    expect(mail!.to).toEqual(['alice@example.com']);
    const fresh = confirmPath(mail!);
    expect(fresh).not.toBe(path);
    expect((await post(fresh)).status).toBe(200);
    expect(await t.consents('alice@example.com')).toEqual({ newsletter: 'granted', offers: 'granted' });
  });

  it('re-sending is rate-limited like signups', async () => {
    t.clock.advance(49 * HOUR);
    await post(`${path}/resend`);
    await post(`${path}/resend`);
    expect(await t.deliver()).toHaveLength(1);
  });

  it('re-sends nothing when nothing is pending any more', async () => {
    await post(path);
    expect((await t.deliver()).map((m) => m.subject)).toEqual(['Welcome to Demo Shop']);
    t.clock.advance(49 * HOUR);
    const res = await post(`${path}/resend`);
    expect(res.status).toBe(200);
    expect(await t.deliver()).toEqual([]);
  });

  it('a spent link stays a confirmed page after expiry', async () => {
    await post(path);
    t.clock.advance(49 * HOUR);
    const res = await t.request(path);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('You are confirmed');
  });
});

describe('key rotation', () => {
  it('a link signed with an older key still works once a new key signs', async () => {
    const { createApp } = await import('../../src/app.tsx');
    const rotated = createTokens(
      [{ kid: 'k2', secret: 'b'.repeat(40) }, ...t.deps.config.tokenSecrets],
      t.clock,
    );
    const app = createApp(() => ({ ...t.deps, tokens: rotated }));
    const res = await app.request(path, withOrigin({ method: 'POST' }));
    expect(res.status).toBe(200);
    expect(await t.consents('alice@example.com')).toEqual({ newsletter: 'granted', offers: 'granted' });
  });
});
