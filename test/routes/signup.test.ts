import { beforeEach, describe, expect, it } from 'vitest';
import { BASE_URL, TEST_IP, confirmPath, makeTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});

const MINUTE = 60_000;

describe('GET /s/{site}', () => {
  it('shows one unticked checkbox per opt-in category with purpose and frequency', async () => {
    const res = await t.request('/s/demo');
    expect(res.status).toBe(200);
    const html = await res.text();
    const boxes = [...html.matchAll(/<input type="checkbox"[^>]*>/g)].map((m) => m[0]);
    expect(boxes).toHaveLength(2);
    expect(boxes.map((b) => /value="(\w+)"/.exec(b)?.[1])).toEqual(['newsletter', 'offers']);
    expect(boxes.every((b) => b.includes('name="categories"') && !b.includes('checked'))).toBe(true);
    expect(html).toContain('To keep you informed about our products and news.');
    expect(html).toContain('Monthly');
    expect(html).toContain('Weekly');
    expect(html).toContain('name="email"');
    expect(html).toContain('name="name"');
    expect(html).toContain('href="https://example.com/privacy"');
    expect(html).toContain('I agree that Demo Shop K.K. may send');
  });

  it('lists exempt categories as information, never as a checkbox', async () => {
    const html = await (await t.request('/s/demo')).text();
    expect(html).toContain('Account and order notices');
    expect(html).not.toContain('value="account"');
  });

  it('speaks Japanese by ?lang=, then by Accept-Language, else the site default', async () => {
    const byQuery = await (await t.request('/s/demo?lang=ja')).text();
    expect(byQuery).toContain('<html lang="ja">');
    expect(byQuery).toContain('ニュースレター');
    expect(byQuery).toContain('月1回');
    expect(byQuery).toContain('<a href="/s/demo?lang=en" lang="en" hreflang="en">English</a>');
    const byHeader = await (await t.request('/s/demo', { headers: { 'Accept-Language': 'ja-JP,ja;q=0.9,en;q=0.5' } })).text();
    expect(byHeader).toContain('<html lang="ja">');
    const queryWins = await (await t.request('/s/demo?lang=en', { headers: { 'Accept-Language': 'ja' } })).text();
    expect(queryWins).toContain('<html lang="en">');
    const fallback = await (await t.request('/s/demo', { headers: { 'Accept-Language': 'fr-FR' } })).text();
    expect(fallback).toContain('<html lang="en">');
  });

  it('links its assets, form and languages root-relative, under BASE_URL’s path prefix', async () => {
    const prefixed = await makeTestApp({ BASE_URL: 'https://example.org/consent' });
    const html = await (await prefixed.request('/s/demo')).text();
    expect(html).toContain('href="/consent/static/app.css"');
    expect(html).toContain('action="/consent/s/demo"');
    expect(html).toContain('href="/consent/s/demo?lang=ja"');
    // So the page works on whatever host the browser reached it by: no link names a host.
    expect(html).not.toMatch(/(?:href|src|action)="https?:\/\/(?!example\.com\/privacy)/);
  });

  it('sends a strict Content-Security-Policy and no-referrer', async () => {
    const res = await t.request('/s/demo');
    const csp = res.headers.get('Content-Security-Policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain(`form-action 'self' ${BASE_URL}`);
    expect(res.headers.get('Referrer-Policy')).toBe('no-referrer');
    expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff');
  });

  it('answers 404 with a page for an unknown site', async () => {
    const res = await t.request('/s/nope');
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('Page not found');
  });

  it('works without JavaScript: a plain form posting to itself, no script needed', async () => {
    const html = await (await t.request('/s/demo')).text();
    expect(html).toContain(`<form method="post" action="/s/demo"`);
    expect(html).toContain('<button type="submit">Subscribe</button>');
  });
});

describe('POST /s/{site}', () => {
  it('records a requested event per category with its evidence and queues a confirmation', async () => {
    const res = await t.signup({ email: 'Alice@Example.com ', name: 'Alice', categories: ['newsletter', 'offers'] });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Check your inbox');
    expect(await t.consents('Alice@Example.com')).toEqual({ newsletter: 'pending', offers: 'pending' });
    const events = await t.events('Alice@Example.com');
    expect(events.map((e) => [e.category_key, e.action, e.method])).toEqual([
      ['newsletter', 'requested', 'signup_form'],
      ['offers', 'requested', 'signup_form'],
    ]);
    const [event] = events;
    expect(event).toMatchObject({
      channel: 'email',
      occurred_at: '2026-11-01T09:00:00.000Z',
      source_url: `${BASE_URL}/s/demo?lang=en`,
      ip: TEST_IP,
      user_agent: 'TestBrowser/1.0',
      policy_version: '2026-01',
      locale: 'en',
    });
    const text = await t.db
      .selectFrom('consent_texts')
      .selectAll()
      .where('sha256', '=', event!.consent_text_sha256!)
      .executeTakeFirstOrThrow();
    expect(text.text).toContain('I agree that Demo Shop K.K. may send');
    expect(text.text).toContain('[ ] Newsletter');
    const mails = await t.deliver();
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to).toEqual(['Alice@Example.com']);
  });

  it('stores the address as typed but finds it again however it is capitalised', async () => {
    await t.signup({ email: 'Bob@Example.com', categories: ['newsletter'] });
    await t.clock.advance(11 * MINUTE);
    await t.signup({ email: '  bob@EXAMPLE.com', categories: ['offers'] });
    expect(await t.db.selectFrom('contacts').select('id').execute()).toHaveLength(1);
    expect((await t.contact('bob@example.com')).email).toBe('Bob@Example.com');
  });

  it('answers new, pending, confirmed and withdrawn addresses identically', async () => {
    const bodies: string[] = [];
    const answer = async (email: string) => {
      const res = await t.signup({ email, categories: ['newsletter'] });
      expect(res.status).toBe(200);
      bodies.push(await res.text());
    };
    await answer('new@example.com'); // new
    await answer('new@example.com'); // pending, and rate-limited
    await t.clock.advance(11 * MINUTE);
    const [mail] = await t.deliver();
    await t.request(confirmPath(mail!), { method: 'POST' });
    expect(await t.consents('new@example.com')).toEqual({ newsletter: 'granted' });
    await answer('new@example.com'); // confirmed
    await t.db.updateTable('consents').set({ status: 'withdrawn' }).execute();
    await answer('new@example.com'); // withdrawn
    expect(new Set(bodies).size).toBe(1);
  });

  it('never lowers a granted consent and sends no confirmation when all is granted', async () => {
    await t.signup({ email: 'carol@example.com', categories: ['newsletter'] });
    const [mail] = await t.deliver();
    await t.request(confirmPath(mail!), { method: 'POST' });
    expect((await t.deliver()).map((m) => m.subject)).toEqual(['Welcome to Demo Shop']);
    t.clock.advance(60 * MINUTE);
    const eventsBefore = (await t.events('carol@example.com')).length;
    await t.signup({ email: 'carol@example.com', categories: ['newsletter'] });
    expect(await t.consents('carol@example.com')).toEqual({ newsletter: 'granted' });
    expect(await t.events('carol@example.com')).toHaveLength(eventsBefore);
    expect(await t.deliver()).toEqual([]);

    // Asking for more: only the new category is requested; the granted one stays granted.
    await t.signup({ email: 'carol@example.com', categories: ['newsletter', 'offers'] });
    expect(await t.consents('carol@example.com')).toEqual({ newsletter: 'granted', offers: 'pending' });
    const [second] = await t.deliver();
    expect(second!.text).toContain('- Offers');
    expect(second!.text).not.toContain('- Newsletter');
  });

  it('re-requests a withdrawn category as pending', async () => {
    await t.signup({ email: 'dan@example.com', categories: ['offers'] });
    await t.db.updateTable('consents').set({ status: 'withdrawn' }).execute();
    await t.clock.advance(11 * MINUTE);
    await t.signup({ email: 'dan@example.com', categories: ['offers'] });
    expect(await t.consents('dan@example.com')).toEqual({ offers: 'pending' });
  });

  it('keeps a confirmed contact’s name and locale but lets an unconfirmed one be corrected', async () => {
    await t.signup({ email: 'erin@example.com', name: 'Erin', categories: ['newsletter'] });
    await t.signup({ email: 'erin@example.com', name: 'Erin Smith', categories: ['newsletter'], lang: 'ja' });
    const contact = async () => {
      const { name, locale } = await t.contact('erin@example.com');
      return { name, locale };
    };
    expect(await contact()).toEqual({ name: 'Erin Smith', locale: 'ja' });
    const [mail] = await t.deliver();
    await t.request(confirmPath(mail!), { method: 'POST' });
    await t.clock.advance(11 * MINUTE);
    await t.signup({ email: 'erin@example.com', name: 'Mallory', categories: ['offers'], lang: 'en' });
    expect(await contact()).toEqual({ name: 'Erin Smith', locale: 'ja' });
  });

  it('sends at most one confirmation per address every 10 minutes and five a day', async () => {
    const sendTimes: number[] = [];
    for (let minute = 0; minute < 24 * 60; minute += 5) {
      t.clock.set(new Date(Date.parse('2026-11-01T09:00:00.000Z') + minute * MINUTE).toISOString());
      const res = await t.signup({ email: 'flood@example.com', categories: ['newsletter'] });
      expect(res.status).toBe(200);
      if ((await t.deliver()).length > 0) sendTimes.push(minute);
    }
    expect(sendTimes).toEqual([0, 10, 20, 30, 40]);
  });

  it('reuses nothing from a throttled submission but still records the request', async () => {
    await t.signup({ email: 'gus@example.com', categories: ['newsletter'] });
    await t.clock.advance(MINUTE);
    await t.signup({ email: 'gus@example.com', categories: ['offers'] });
    expect(await t.consents('gus@example.com')).toEqual({ newsletter: 'pending', offers: 'pending' });
    expect(await t.deliver()).toHaveLength(1);
    await t.clock.advance(10 * MINUTE);
    await t.signup({ email: 'gus@example.com', categories: ['offers'] });
    const [mail] = await t.deliver();
    expect(mail!.text).toContain('- Newsletter');
    expect(mail!.text).toContain('- Offers');
  });

  describe('bad input re-renders the form with the error by its field and the choices kept (400)', () => {
    it.each([
      [{ email: '', categories: ['newsletter'] }, 'Enter your email address.'],
      [{ email: 'not-an-address', categories: ['newsletter'] }, 'Enter an email address like name@example.com.'],
      [{ email: 'a@b', categories: ['newsletter'] }, 'Enter an email address like name@example.com.'],
      [{ email: `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.com`, categories: ['newsletter'] }, 'at most 254 characters'],
      [{ email: 'ok@example.com', categories: [] }, 'Tick at least one kind of email.'],
      [{ email: 'ok@example.com', categories: ['nope'] }, 'does not exist'],
      [{ email: 'ok@example.com', categories: ['account'] }, 'does not exist'],
      [{ email: 'ok@example.com', name: 'x'.repeat(101), categories: ['newsletter'] }, 'at most 100 characters'],
      [{ email: 'ok@example.com', name: 'Eve\r\nBcc: x', categories: ['newsletter'] }, 'line breaks'],
      [{ email: 'ok@example.com', name: 'Eve\u2028Bcc: x', categories: ['newsletter'] }, 'line breaks'],
    ])('%o', async (fields, message) => {
      const res = await t.signup(fields);
      expect(res.status).toBe(400);
      const html = await res.text();
      expect(html).toContain(message);
      expect(html).toContain('role="alert"');
      expect(await t.db.selectFrom('consent_events').selectAll().execute()).toEqual([]);
      expect(await t.db.selectFrom('contacts').selectAll().execute()).toEqual([]);
      expect(await t.deliver()).toEqual([]);
    });

    it('keeps what was typed and ticked', async () => {
      const res = await t.signup({ email: 'broken@', name: 'Hana 花子', categories: ['offers'] });
      const html = await res.text();
      expect(html).toContain('value="broken@"');
      expect(html).toContain('value="Hana 花子"');
      expect(html).toContain('<title>Error: Subscribe to Demo Shop</title>');
      expect(html).toMatch(/value="offers"[^>]*checked/);
      expect(html).not.toMatch(/value="newsletter"[^>]*checked/);
    });

    it('escapes what was typed', async () => {
      const res = await t.signup({ email: '"><script>alert(1)</script>', categories: ['newsletter'] });
      const html = await res.text();
      expect(html).not.toContain('<script>alert(1)</script>');
      expect(html).toContain('&lt;script&gt;');
    });

    it('answers in the form’s language', async () => {
      const res = await t.signup({ email: '', categories: [], lang: 'ja' });
      const html = await res.text();
      expect(html).toContain('メールアドレスを入力してください。');
      expect(html).toContain('受け取るメールの種類を1つ以上選んでください。');
    });
  });

  it('refuses a submission whose consent wording is not the one shown now', async () => {
    const form = new URLSearchParams({ email: 'h@example.com', consent: 'f'.repeat(64), lang: 'en', categories: 'newsletter' });
    const res = await t.request('/s/demo', { method: 'POST', body: form, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('This page changed while you had it open');
    form.delete('consent');
    const missing = await t.request('/s/demo', { method: 'POST', body: form, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(missing.status).toBe(400);
    expect(await t.db.selectFrom('consent_events').selectAll().execute()).toEqual([]);
  });

  it('accepts multipart form data like urlencoded', async () => {
    const page = await (await t.request('/s/demo')).text();
    const form = new FormData();
    form.set('email', 'multi@example.com');
    form.set('consent', /name="consent" value="(\w+)"/.exec(page)![1]!);
    form.set('lang', 'en');
    form.append('categories', 'newsletter');
    const res = await t.request('/s/demo', { method: 'POST', body: form });
    expect(res.status).toBe(200);
    expect(await t.consents('multi@example.com')).toEqual({ newsletter: 'pending' });
  });

  it.each([
    ['multipart/form-data', 'garbage'],
    ['multipart/form-data; boundary=x', '--x\r\nbroken'],
  ])('answers an unreadable %s body with 400 and changes nothing', async (type, body) => {
    const res = await t.request('/s/demo', { method: 'POST', body, headers: { 'Content-Type': type } });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('That request could not be read');
    expect(await t.db.selectFrom('contacts').selectAll().execute()).toEqual([]);
  });

  it('answers 404 for an unknown site and a JSON body with 400', async () => {
    expect((await t.signup({ email: 'a@example.com', categories: ['newsletter'] }, 'nope')).status).toBe(404);
    const json = await t.request('/s/demo', {
      method: 'POST',
      body: JSON.stringify({ email: 'a@example.com', categories: ['newsletter'] }),
      headers: { 'Content-Type': 'application/json' },
    });
    expect(json.status).toBe(400);
  });
});
