import { beforeEach, describe, expect, it } from 'vitest';
import { BASE_URL, TEST_IP, confirmPath, makeTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
let manage: string;
let consent: string;

const MINUTE = 60_000;
const form = (fields: [string, string][]) => new URLSearchParams(fields);
const post = (path: string, body?: URLSearchParams, headers: Record<string, string> = {}) =>
  t.request(path, {
    method: 'POST',
    body,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'User-Agent': 'Prefs/1.0', ...headers },
  });

/** newsletter granted, offers pending: the mixed state most checks need. */
beforeEach(async () => {
  t = await makeTestApp();
  await t.signup({ email: 'pat@example.com', categories: ['newsletter'] });
  const [confirmation] = await t.deliver();
  await t.request(confirmPath(confirmation!), { method: 'POST' });
  const [welcome] = await t.deliver();
  manage = /Email preferences: https:\/\/assent\.test(\S+)/.exec(welcome!.text)![1]!;
  t.clock.advance(11 * MINUTE);
  await t.signup({ email: 'pat@example.com', categories: ['offers'] });
  await t.deliver();
  const html = await (await t.request(manage)).text();
  consent = /name="consent" value="([0-9a-f]{64})"/.exec(html)![1]!;
});

const eventCount = async () => (await t.events('pat@example.com')).length;

describe('GET /p/{token}', () => {
  it('shows each opt-in category, ticked when granted, pending marked, exempt as information', async () => {
    const res = await t.request(manage);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('pat@example.com');
    expect(html).toMatch(/value="newsletter"[^>]*checked/);
    expect(html).not.toMatch(/value="offers"[^>]*checked/);
    expect(html).toContain('Waiting for your confirmation');
    expect(html).toContain('Account and order notices');
    expect(html).not.toContain('value="account"');
    expect(html).toContain('To keep you informed about our products and news.');
    expect(html).toContain('Weekly');
    expect(html).toContain('Unsubscribe from all these emails');
    expect(res.headers.get('Referrer-Policy')).toBe('no-referrer');
  });

  it('tells the consent history in plain words, in the site’s time zone, with the wording shown', async () => {
    const html = await (await t.request(manage)).text();
    expect(html).toContain('You asked to receive Newsletter on the signup form.');
    expect(html).toContain('You confirmed Newsletter with the link in the confirmation email.');
    expect(html).toContain('You asked to receive Offers on the signup form.');
    // 09:00 UTC is 18:00 in Tokyo, the demo site's zone.
    expect(html).toContain('1 November 2026 at 18:00 GMT+9');
    expect(html).toContain('I agree that Demo Shop K.K. may send');
    expect(html.indexOf('You asked to receive Offers')).toBeLessThan(html.indexOf('You confirmed Newsletter'));
  });

  it('shows each wording once, however many events point at it, and each event names its wording', async () => {
    const signupWording = (await t.events('pat@example.com'))[0]!.consent_text_sha256!;
    let html = await (await t.request(manage)).text();
    // Three events (two requests and a confirmation) showed the signup form's wording.
    expect(html.split('I agree that Demo Shop K.K. may send').length - 1).toBe(1);
    expect(html.match(new RegExp(`href="#wording-${signupWording}"`, 'g'))).toHaveLength(3);
    expect(html).toContain(`<li id="wording-${signupWording}"><details><summary>Wording 1, first shown <time datetime="2026-11-01T09:00:00.000Z">1 November 2026 at 18:00 GMT+9</time></summary>`);

    // A save on this page shows the page's own wording: a second one, listed after the first.
    t.clock.advance(MINUTE);
    await post(manage, form([['consent', consent], ['shown', 'newsletter'], ['shown', 'offers'], ['categories', 'offers']]));
    html = await (await t.request(manage)).text();
    expect(html.match(/<li id="wording-[0-9a-f]{64}">/g)).toHaveLength(2);
    expect(html).toContain(`href="#wording-${consent}" class="wording-ref">Wording 2</a>`);
    expect(html.split('I agree that Demo Shop K.K. may send').length - 1).toBe(1);
  });

  it('changes nothing, and HEAD too', async () => {
    const before = await eventCount();
    await t.request(manage);
    await t.request(manage, { method: 'HEAD' });
    expect(await eventCount()).toBe(before);
    expect(await t.consents('pat@example.com')).toEqual({ newsletter: 'granted', offers: 'pending' });
  });

  it('works without JavaScript: a plain form that names the categories it shows', async () => {
    const html = await (await t.request(manage)).text();
    expect(html).toContain(`<form method="post" action="${manage}">`);
    expect(html).toContain('<input type="hidden" name="shown" value="newsletter"/>');
    expect(html).toContain('<input type="hidden" name="shown" value="offers"/>');
    expect(html).toContain('<button type="submit">Save my choices</button>');
  });
});

describe('POST /p/{token} (the whole form, no JavaScript)', () => {
  it('grants a ticked box and withdraws an unticked one, with method preference_page and evidence', async () => {
    const res = await post(manage, form([['consent', consent], ['shown', 'newsletter'], ['shown', 'offers'], ['categories', 'offers']]));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Your choices are saved.');
    expect(await t.consents('pat@example.com')).toEqual({ newsletter: 'withdrawn', offers: 'granted' });
    const events = (await t.events('pat@example.com')).slice(-2);
    expect(events.map((e) => `${e.category_key}:${e.action}:${e.method}`).sort()).toEqual([
      'newsletter:withdrawn:preference_page',
      'offers:granted:preference_page',
    ]);
    for (const event of events) {
      expect(event).toMatchObject({ ip: TEST_IP, user_agent: 'Prefs/1.0', source_url: `${BASE_URL}/p`, consent_text_sha256: consent });
    }
    const text = await t.db.selectFrom('consent_texts').select('text').where('sha256', '=', consent).executeTakeFirstOrThrow();
    expect(text.text).toContain('Ticking a kind of email and saving means you agree');
  });

  it('writes nothing when the state is unchanged (a pending box left unticked is no change)', async () => {
    const before = await eventCount();
    const res = await post(manage, form([['consent', consent], ['shown', 'newsletter'], ['shown', 'offers'], ['categories', 'newsletter']]));
    expect(await res.text()).toContain('Nothing changed.');
    expect(await eventCount()).toBe(before);
    expect(await t.consents('pat@example.com')).toEqual({ newsletter: 'granted', offers: 'pending' });
  });

  it('never touches a category the page did not show', async () => {
    await post(manage, form([['consent', consent], ['shown', 'offers']]));
    expect(await t.consents('pat@example.com')).toEqual({ newsletter: 'granted', offers: 'pending' });
  });

  it('ignores unknown and exempt keys', async () => {
    const before = await eventCount();
    await post(manage, form([['consent', consent], ['shown', 'account'], ['shown', 'bogus'], ['categories', 'account'], ['categories', 'bogus'], ['shown', 'newsletter'], ['categories', 'newsletter']]));
    expect(await eventCount()).toBe(before);
  });

  it('refuses a save whose wording is not what the page shows now (409), changing nothing', async () => {
    const before = await eventCount();
    const res = await post(manage, form([['consent', 'f'.repeat(64)], ['shown', 'newsletter']]));
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('This page changed while you had it open');
    expect(await eventCount()).toBe(before);
  });

  it('answers an unreadable body with 400', async () => {
    const res = await t.request(manage, { method: 'POST', body: 'x', headers: { 'Content-Type': 'multipart/form-data' } });
    expect(res.status).toBe(400);
  });
});

describe('htmx: one checkbox saves on change', () => {
  const hx = { 'HX-Request': 'true' };

  it('answers only the row and an announcement for screen readers', async () => {
    // htmx sends the enclosing form: the changed box and every other ticked one.
    const res = await post(`${manage}/categories/offers`, form([['consent', consent], ['categories', 'newsletter'], ['categories', 'offers']]), hx);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).not.toContain('<html');
    expect(html).toMatch(/^<div class="category" id="row-offers">/);
    expect(html).toMatch(/value="offers"[^>]*checked/);
    expect(html).toContain('<p id="status" class="notice" role="status" aria-live="polite" data-hx-swap-oob="innerHTML">Saved: you will receive Offers.</p>');
    expect(await t.consents('pat@example.com')).toEqual({ newsletter: 'granted', offers: 'granted' });
    // The history below is refreshed with the new event, so it never lags the choices.
    expect(html).toContain('<section class="history" id="history" data-hx-swap-oob="true">');
    expect(html).toContain('You agreed to receive Offers on this page.');
  });

  it('an unticked box withdraws only its own category', async () => {
    const html = await (await post(`${manage}/categories/newsletter`, form([['consent', consent]]), hx)).text();
    expect(html).toContain('Saved: you will no longer receive Newsletter.');
    expect(await t.consents('pat@example.com')).toEqual({ newsletter: 'withdrawn', offers: 'pending' });
  });

  it('the page loads htmx from our own origin, configured for the CSP', async () => {
    const html = await (await t.request(manage)).text();
    expect(html).toContain(`<script src="/static/vendor/htmx.min.js" defer="">`);
    expect(html).toContain('content="{&quot;includeIndicatorStyles&quot;:false');
    expect(html).toContain(`data-hx-post="${manage}/categories/offers"`);
    // The Nu HTML Checker refuses hx-* attributes; htmx reads the data-hx-* spelling as well.
    expect(html).not.toMatch(/\shx-[\w-]+=/);
  });

  it('refuses an exempt or unknown category', async () => {
    expect((await post(`${manage}/categories/account`, form([['consent', consent]]), hx)).status).toBe(400);
    expect((await post(`${manage}/categories/nope`, form([['consent', consent]]), hx)).status).toBe(400);
  });

  it('without htmx the same route answers the whole page', async () => {
    const html = await (await post(`${manage}/categories/offers`, form([['consent', consent], ['categories', 'offers']]))).text();
    expect(html).toContain('<!doctype html>');
    expect(html).toContain('Saved: you will receive Offers.');
  });
});

describe('unsubscribe from everything', () => {
  it('withdraws granted and pending categories at once', async () => {
    const res = await post(`${manage}/unsubscribe-all`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('You are unsubscribed from all these emails.');
    expect(await t.consents('pat@example.com')).toEqual({ newsletter: 'withdrawn', offers: 'withdrawn' });
    const before = await eventCount();
    await post(`${manage}/unsubscribe-all`);
    expect(await eventCount()).toBe(before);
  });
});

describe('the language switch', () => {
  it('stores the contact’s language and shows the page in it', async () => {
    const res = await post(`${manage}/language`, form([['lang', 'ja']]));
    expect(res.status).toBe(303);
    expect(res.headers.get('Location')).toBe(manage);
    const contact = await t.db.selectFrom('contacts').select('locale').executeTakeFirstOrThrow();
    expect(contact.locale).toBe('ja');
    const html = await (await t.request(manage)).text();
    expect(html).toContain('<html lang="ja">');
    expect(html).toContain('Demo Shop のメール配信設定');
    expect(html).toContain('確認メールのリンクで「ニュースレター」の受信を確認しました。');
  });

  it('refuses an unknown language', async () => {
    expect((await post(`${manage}/language`, form([['lang', 'xx']]))).status).toBe(400);
    const contact = await t.db.selectFrom('contacts').select('locale').executeTakeFirstOrThrow();
    expect(contact.locale).toBe('en');
  });
});

describe('bad links get a 400 page and change nothing', () => {
  it.each([
    ['garbage', () => '/p/garbage'],
    ['tampered', () => manage.slice(0, -3) + 'abc'],
  ])('%s', async (_name, make) => {
    const before = await eventCount();
    for (const res of [
      await t.request(make()),
      await post(make(), form([['consent', consent], ['shown', 'newsletter']])),
      await post(`${make()}/unsubscribe-all`),
      await post(`${make()}/language`, form([['lang', 'ja']])),
    ]) {
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('This link does not work');
    }
    expect(await eventCount()).toBe(before);
  });

  it('a manage link is refused by the unsubscribe and confirm routes, and theirs here', async () => {
    const token = manage.slice('/p/'.length);
    expect((await t.request(`/u/${token}`)).status).toBe(400);
    expect((await t.request(`/c/${token}`)).status).toBe(400);
    expect((await post(`/c/${token}`)).status).toBe(400);
    const contact = await t.db.selectFrom('contacts').selectAll().executeTakeFirstOrThrow();
    const unsubscribe = await t.deps.tokens.sign({ purpose: 'unsubscribe', subject: contact.id, site: 'demo', epoch: 0 });
    expect((await t.request(`/p/${unsubscribe}`)).status).toBe(400);
    expect(await t.consents('pat@example.com')).toEqual({ newsletter: 'granted', offers: 'pending' });
  });

  it('a revoked link stops working; a new one works', async () => {
    const contact = await t.db.selectFrom('contacts').selectAll().executeTakeFirstOrThrow();
    await t.db.updateTable('contacts').set({ token_epoch: 1 }).execute();
    expect((await t.request(manage)).status).toBe(400);
    const fresh = await t.deps.tokens.sign({ purpose: 'manage', subject: contact.id, site: 'demo', epoch: 1 });
    expect((await t.request(`/p/${fresh}`)).status).toBe(200);
  });

  it('a link expires only when LINK_TTL says so', async () => {
    t.clock.advance(400 * 24 * 60 * MINUTE);
    expect((await t.request(manage)).status).toBe(200);
    const short = await makeTestApp({ LINK_TTL: '60d' });
    await short.signup({ email: 'q@example.com', categories: ['newsletter'] });
    const [mail] = await short.deliver();
    await short.request(confirmPath(mail!), { method: 'POST' });
    const [welcome] = await short.deliver();
    const link = /Email preferences: https:\/\/assent\.test(\S+)/.exec(welcome!.text)![1]!;
    short.clock.advance(59 * 24 * 60 * MINUTE);
    expect((await short.request(link)).status).toBe(200);
    short.clock.advance(2 * 24 * 60 * MINUTE);
    expect((await short.request(link)).status).toBe(400);
  });
});

describe('a page shown in another language than the contact’s (?lang=)', () => {
  it('saves, because the form says which language (and so which wording) it showed', async () => {
    await t.request(`${manage}/language`, { method: 'POST', body: form([['lang', 'ja']]) });
    const html = await (await t.request(`${manage}?lang=en`)).text();
    expect(html).toContain('<html lang="en">');
    const shown = /name="consent" value="([0-9a-f]{64})"/.exec(html)![1]!;
    const body = form([['consent', shown], ['page_lang', 'en'], ['shown', 'newsletter'], ['shown', 'offers'], ['categories', 'newsletter'], ['categories', 'offers']]);
    const res = await post(manage, body);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Your choices are saved.');
    expect(await t.consents('pat@example.com')).toEqual({ newsletter: 'granted', offers: 'granted' });
  });
});
