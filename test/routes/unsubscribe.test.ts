import { SignJWT } from 'jose';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ContactRow } from '../../src/db/schema.ts';
import { unsubscribeUrl } from '../../src/domain/links.ts';
import { withdraw } from '../../src/domain/withdraw.ts';
import { createTokens } from '../../src/domain/tokens.ts';
import type { OutgoingMail } from '../../src/mail/mailer.ts';
import { BASE_URL, TEST_IP, confirmPath, makeTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
/** The welcome email's List-Unsubscribe link, as a path. */
let path: string;
let welcome: OutgoingMail;
let contact: ContactRow;
let confirmLink: string;

const MINUTE = 60_000;
const ALICE = 'alice@example.com';
const BOTH_GRANTED = { newsletter: 'granted', offers: 'granted' };
const INVALID = 'This link does not work';

/** Signs up for both categories, confirms, delivers the welcome email. */
async function subscribed(email: string, lang?: string) {
  await t.signup({ email, categories: ['newsletter', 'offers'], lang });
  const [mail] = await t.deliver();
  const confirm = confirmPath(mail!);
  expect((await t.request(confirm, { method: 'POST' })).status).toBe(200);
  const [welcomeMail] = await t.deliver();
  const header = welcomeMail!.headers['List-Unsubscribe']!;
  const found = await t.contact(email);
  return { mail: welcomeMail!, path: header.slice(`<${BASE_URL}`.length, -1), contact: found, confirm };
}

beforeEach(async () => {
  t = await makeTestApp();
  ({ mail: welcome, path, contact, confirm: confirmLink } = await subscribed(ALICE));
});

const toPath = (url: string) => url.slice(BASE_URL.length);
const tokenOf = (p: string) => p.split('/')[2]!;
const claimsOf = (p: string) => JSON.parse(Buffer.from(tokenOf(p).split('.')[1]!, 'base64url').toString());

function oneClick(p: string, userAgent = 'MailProvider/1.0') {
  return t.request(p, {
    method: 'POST',
    body: 'List-Unsubscribe=One-Click',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'User-Agent': userAgent },
  });
}

function pressButton(p: string, userAgent = 'Clicker/2.0') {
  return t.request(p, {
    method: 'POST',
    body: new URLSearchParams({ unsubscribe: 'page' }),
    headers: { 'User-Agent': userAgent },
  });
}

function undo(p: string, events: string, userAgent = 'Clicker/2.0') {
  return t.request(`${p}/undo`, {
    method: 'POST',
    body: new URLSearchParams({ events }),
    headers: { 'User-Agent': userAgent },
  });
}

/** The Undo form's hidden `events` value on an "unsubscribed" page. */
function undoEventsOf(html: string): string {
  const value = /<input type="hidden" name="events" value="([^"]*)"\/>/.exec(html)?.[1];
  if (value === undefined) throw new Error('no Undo form on the page');
  return value;
}

const summary = async (email = ALICE) =>
  (await t.events(email)).map((e) => `${e.category_key}:${e.action}:${e.method}`);

describe('GET and HEAD /u/{token}', () => {
  it('show one button and a link to the preference page, and change nothing', async () => {
    const before = await t.events(ALICE);
    const res = await t.request(path);
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('Stop all the emails you chose to receive from Demo Shop?');
    expect(html.match(/<button/g)).toHaveLength(1);
    expect(html).toContain(`<form method="post" action="${BASE_URL}${path}">`);
    expect(html).toContain('<input type="hidden" name="unsubscribe" value="page"/>');
    const manage = /<a href="([^"]+)">Or choose which emails you get<\/a>/.exec(html)?.[1];
    expect(manage).toMatch(new RegExp(`^${BASE_URL}/p/[\\w-]+\\.[\\w-]+\\.[\\w-]+$`));
    expect(claimsOf(toPath(manage!))).toMatchObject({ pur: 'manage', sub: contact.id });
    // Account notices are exempt and still sent: the page says so.
    expect(html).toContain('Messages about your account or orders are not advertising');

    const head = await t.request(path, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');

    expect(await t.consents(ALICE)).toEqual(BOTH_GRANTED);
    expect(await t.events(ALICE)).toEqual(before);
  });

  it('a scoped link’s page names its category', async () => {
    const scoped = toPath(await unsubscribeUrl(t.deps, contact, 'offers'));
    const html = await (await t.request(scoped)).text();
    expect(html).toContain('Stop receiving Offers from Demo Shop?');
    expect(html).not.toContain('Stop all the emails');
    expect(html.match(/<button/g)).toHaveLength(1);
    expect(await t.consents(ALICE)).toEqual(BOTH_GRANTED);
  });

  it('speaks the contact’s language', async () => {
    const { path: jaPath } = await subscribed('hanako@example.com', 'ja');
    const html = await (await t.request(jaPath)).text();
    expect(html).toContain('<html lang="ja">');
    expect(html).toContain('Demo Shop から受け取ると選んだすべてのメールの配信を停止しますか？');
    expect(html).toContain('配信を停止する</button>');
  });

  it('keep the token out of Referer headers', async () => {
    expect((await t.request(path)).headers.get('Referrer-Policy')).toBe('no-referrer');
    expect((await pressButton(path)).headers.get('Referrer-Policy')).toBe('no-referrer');
    expect((await undo(path, '1')).headers.get('Referrer-Policy')).toBe('no-referrer');
    expect((await t.request('/u/garbage')).headers.get('Referrer-Policy')).toBe('no-referrer');
  });
});

describe('RFC 8058 one-click POST', () => {
  async function expectOneClickWithdrawal(res: Response, userAgent: string) {
    expect(res.status).toBe(200);
    expect(res.headers.get('Location')).toBeNull();
    expect(res.headers.get('Content-Type')).toMatch(/^text\/plain/);
    const body = await res.text();
    expect(body).toBe('You are unsubscribed.');
    expect(await t.consents(ALICE)).toEqual({ newsletter: 'withdrawn', offers: 'withdrawn' });
    const withdrawn = (await t.events(ALICE)).filter((e) => e.action === 'withdrawn');
    expect(withdrawn.map((e) => e.category_key)).toEqual(['newsletter', 'offers']);
    for (const event of withdrawn) {
      expect(event).toMatchObject({ method: 'one_click', ip: TEST_IP, user_agent: userAgent, channel: 'email' });
    }
    // At once: both in the same instant.
    expect(withdrawn[0]!.occurred_at).toBe(withdrawn[1]!.occurred_at);
  }

  it('form-encoded, without cookies or Origin: 200, short text, every opt-in category withdrawn', async () => {
    await expectOneClickWithdrawal(await oneClick(path, 'GoogleOneClick/1.0'), 'GoogleOneClick/1.0');
  });

  it('as multipart/form-data', async () => {
    const form = new FormData();
    form.append('List-Unsubscribe', 'One-Click');
    const res = await t.request(path, { method: 'POST', body: form, headers: { 'User-Agent': 'YahooOneClick/3.1' } });
    await expectOneClickWithdrawal(res, 'YahooOneClick/3.1');
  });

  it('withdraws pending and granted categories alike', async () => {
    // Bob confirms the newsletter; 11 minutes later asks for offers too and does not confirm.
    await t.signup({ email: 'bob@example.com', categories: ['newsletter'] });
    await t.request(confirmPath((await t.deliver())[0]!), { method: 'POST' });
    const [bobWelcome] = await t.deliver();
    t.clock.advance(11 * MINUTE);
    await t.signup({ email: 'bob@example.com', categories: ['offers'] });
    expect(await t.consents('bob@example.com')).toEqual({ newsletter: 'granted', offers: 'pending' });
    const bobPath = bobWelcome!.headers['List-Unsubscribe']!.slice(`<${BASE_URL}`.length, -1);
    expect((await oneClick(bobPath)).status).toBe(200);
    expect(await t.consents('bob@example.com')).toEqual({ newsletter: 'withdrawn', offers: 'withdrawn' });
    // Alice is untouched.
    expect(await t.consents(ALICE)).toEqual(BOTH_GRANTED);
  });

  it('a second one-click is harmless: 200 and no second withdrawal', async () => {
    await oneClick(path);
    const count = (await t.events(ALICE)).length;
    const again = await oneClick(path);
    expect(again.status).toBe(200);
    expect(await again.text()).toBe('You are unsubscribed.');
    expect(await t.events(ALICE)).toHaveLength(count);
    expect(await t.consents(ALICE)).toEqual({ newsletter: 'withdrawn', offers: 'withdrawn' });
  });

  it('a scoped link withdraws only its category', async () => {
    const scoped = toPath(await unsubscribeUrl(t.deps, contact, 'offers'));
    expect((await oneClick(scoped)).status).toBe(200);
    expect(await t.consents(ALICE)).toEqual({ newsletter: 'granted', offers: 'withdrawn' });
    expect((await summary()).filter((s) => s.includes(':withdrawn:'))).toEqual(['offers:withdrawn:one_click']);
  });
});

describe('the page’s Unsubscribe button', () => {
  it('withdraws everything and answers a page with an Undo button', async () => {
    const res = await pressButton(path, 'Clicker/2.0');
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('You are unsubscribed');
    expect(html).toContain('You will no longer receive the emails you chose from Demo Shop.');
    expect(html).toContain(`<form method="post" action="${BASE_URL}${path}/undo">`);
    expect(html).toMatch(/<button type="submit" class="secondary">Undo<\/button>/);
    expect(html).toContain('Or choose which emails you get');

    expect(await t.consents(ALICE)).toEqual({ newsletter: 'withdrawn', offers: 'withdrawn' });
    const withdrawn = (await t.events(ALICE)).filter((e) => e.action === 'withdrawn');
    expect(withdrawn).toHaveLength(2);
    for (const event of withdrawn) {
      expect(event).toMatchObject({ method: 'unsubscribe_page', ip: TEST_IP, user_agent: 'Clicker/2.0' });
    }
    expect(undoEventsOf(html)).toBe(withdrawn.map((e) => e.id).join(','));
  });

  it('a scoped link withdraws only its category and says which', async () => {
    const scoped = toPath(await unsubscribeUrl(t.deps, contact, 'offers'));
    const html = await (await pressButton(scoped)).text();
    expect(html).toContain('You will no longer receive Offers.');
    expect(await t.consents(ALICE)).toEqual({ newsletter: 'granted', offers: 'withdrawn' });
    const withdrawn = (await t.events(ALICE)).filter((e) => e.action === 'withdrawn');
    expect(withdrawn.map((e) => e.category_key)).toEqual(['offers']);
    expect(undoEventsOf(html)).toBe(String(withdrawn[0]!.id));
  });

  it('pressing again is harmless: 200, no second withdrawal, nothing to undo', async () => {
    await pressButton(path);
    const count = (await t.events(ALICE)).length;
    const again = await pressButton(path);
    expect(again.status).toBe(200);
    const html = await again.text();
    expect(html).toContain('You are unsubscribed');
    expect(html).not.toContain('name="events"');
    expect(await t.events(ALICE)).toHaveLength(count);
  });

  it('after a one-click, the button writes nothing more', async () => {
    await oneClick(path);
    const count = (await t.events(ALICE)).length;
    expect((await pressButton(path)).status).toBe(200);
    expect(await t.events(ALICE)).toHaveLength(count);
  });
});

describe('Undo', () => {
  /** Newsletter granted, offers pending: confirmed the newsletter, asked for offers 11 minutes later. */
  async function mixed(email: string) {
    await t.signup({ email, categories: ['newsletter'] });
    await t.request(confirmPath((await t.deliver())[0]!), { method: 'POST' });
    const [mail] = await t.deliver();
    t.clock.advance(11 * MINUTE);
    await t.signup({ email, categories: ['offers'] });
    await t.deliver();
    expect(await t.consents(email)).toEqual({ newsletter: 'granted', offers: 'pending' });
    return mail!.headers['List-Unsubscribe']!.slice(`<${BASE_URL}`.length, -1);
  }

  it('puts back exactly what was there: granted stays granted, pending stays pending', async () => {
    const bobPath = await mixed('bob@example.com');
    t.clock.advance(MINUTE);
    const html = await (await pressButton(bobPath)).text();
    expect(await t.consents('bob@example.com')).toEqual({ newsletter: 'withdrawn', offers: 'withdrawn' });
    const before = await t.events('bob@example.com');

    t.clock.advance(MINUTE);
    const res = await undo(bobPath, undoEventsOf(html), 'Undoer/1.0');
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('Your subscription is back');
    expect(page).toContain('<li>Newsletter</li>');
    expect(page).toContain('<li>Offers</li>');
    expect(await t.consents('bob@example.com')).toEqual({ newsletter: 'granted', offers: 'pending' });

    const after = await t.events('bob@example.com');
    expect(after.slice(0, before.length)).toEqual(before);
    const added = after.slice(before.length);
    expect(added.map((e) => `${e.category_key}:${e.action}:${e.method}`).sort()).toEqual([
      'newsletter:granted:unsubscribe_undo',
      'offers:requested:unsubscribe_undo',
    ]);
    for (const event of added) expect(event).toMatchObject({ ip: TEST_IP, user_agent: 'Undoer/1.0' });
  });

  it('undoes a one-click too, by its event ids', async () => {
    await oneClick(path);
    const ids = (await t.events(ALICE)).filter((e) => e.action === 'withdrawn').map((e) => e.id);
    expect((await undo(path, ids.join(','))).status).toBe(200);
    expect(await t.consents(ALICE)).toEqual(BOTH_GRANTED);
  });

  it('twice restores nothing more', async () => {
    const events = undoEventsOf(await (await pressButton(path)).text());
    await undo(path, events);
    expect(await t.consents(ALICE)).toEqual(BOTH_GRANTED);
    const count = (await t.events(ALICE)).length;
    const again = await undo(path, events);
    expect(again.status).toBe(200);
    expect(await again.text()).toContain('There was nothing to restore');
    expect(await t.events(ALICE)).toHaveLength(count);
    expect(await t.consents(ALICE)).toEqual(BOTH_GRANTED);
  });

  it('restores nothing for a category that changed since', async () => {
    const events = undoEventsOf(await (await pressButton(path)).text());
    // Alice signs up for offers again (not confirmed yet): offers moved on since the unsubscribe.
    t.clock.advance(11 * MINUTE);
    await t.signup({ email: ALICE, categories: ['offers'] });
    expect(await t.consents(ALICE)).toEqual({ newsletter: 'withdrawn', offers: 'pending' });
    const count = (await t.events(ALICE)).length;

    const html = await (await undo(path, events)).text();
    expect(html).toContain('<li>Newsletter</li>');
    expect(html).not.toContain('<li>Offers</li>');
    expect(await t.consents(ALICE)).toEqual({ newsletter: 'granted', offers: 'pending' });
    const added = (await t.events(ALICE)).slice(count);
    expect(added.map((e) => `${e.category_key}:${e.action}:${e.method}`)).toEqual(['newsletter:granted:unsubscribe_undo']);
  });

  it('does not restore what was not an unsubscribe: other withdrawals, confirmations', async () => {
    // Offers stopped some other way (as the preference page would), then newsletter by the link.
    const site = await t.db.selectFrom('sites').selectAll().where('id', '=', 'demo').executeTakeFirstOrThrow();
    const [elsewhere] = await withdraw(t.deps, { site, contact }, ['offers'], 'preference_page', { ip: null, userAgent: null });
    expect(elsewhere).toBeTypeOf('number');
    const confirmed = (await t.events(ALICE)).filter((e) => e.action === 'confirmed').map((e) => e.id);
    const count = (await t.events(ALICE)).length;
    const res = await undo(path, [elsewhere, ...confirmed].join(','));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('There was nothing to restore');
    expect(await t.consents(ALICE)).toEqual({ newsletter: 'granted', offers: 'withdrawn' });
    expect(await t.events(ALICE)).toHaveLength(count);
  });

  describe('tampered `events` restore nothing and never 500', () => {
    let aliceEvents: string;
    beforeEach(async () => {
      aliceEvents = undoEventsOf(await (await pressButton(path)).text());
    });

    it('ids of another contact’s withdrawals', async () => {
      const { path: bobPath } = await subscribed('bob@example.com');
      const bobCount = (await t.events('bob@example.com')).length;
      // Bob's link with Alice's withdrawal ids: neither is restored.
      const res = await undo(bobPath, aliceEvents);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('There was nothing to restore');
      expect(await t.consents(ALICE)).toEqual({ newsletter: 'withdrawn', offers: 'withdrawn' });
      expect(await t.events('bob@example.com')).toHaveLength(bobCount);
      expect(await t.consents('bob@example.com')).toEqual(BOTH_GRANTED);
    });

    const garbage = [
      'garbage',
      '',
      '-1,-2',
      '0',
      '1.5',
      'NaN,Infinity',
      '99999999999999999999999',
      "1) OR 1=1 --",
      ',,,',
      Array.from({ length: 500 }, (_, i) => i + 1000).join(','),
      'x'.repeat(10_000),
    ];
    it.each(garbage.map((value) => [value.length > 40 ? `${value.slice(0, 40)}…` : value || '(empty)', value]))(
      '%s',
      async (_label, value) => {
        const count = (await t.events(ALICE)).length;
        const res = await undo(path, value);
        expect(res.status).toBe(200);
        expect(await res.text()).toContain('There was nothing to restore');
        expect(await t.events(ALICE)).toHaveLength(count);
        expect(await t.consents(ALICE)).toEqual({ newsletter: 'withdrawn', offers: 'withdrawn' });
      },
    );

    it('negated real ids', async () => {
      const negated = aliceEvents.split(',').map((id) => `-${id}`).join(',');
      const res = await undo(path, negated);
      expect(res.status).toBe(200);
      expect(await t.consents(ALICE)).toEqual({ newsletter: 'withdrawn', offers: 'withdrawn' });
    });

    it('no events field at all, or a file in it', async () => {
      const empty = await t.request(`${path}/undo`, { method: 'POST' });
      expect(empty.status).toBeLessThan(500);
      const form = new FormData();
      form.append('events', new Blob([aliceEvents]), 'events.txt');
      const file = await t.request(`${path}/undo`, { method: 'POST', body: form });
      expect(file.status).toBeLessThan(500);
      expect(await t.consents(ALICE)).toEqual({ newsletter: 'withdrawn', offers: 'withdrawn' });
    });

    it('a broken multipart body', async () => {
      const res = await t.request(`${path}/undo`, {
        method: 'POST',
        body: '--nope\r\nContent-Disposition: form-data; name="events"\r\n\r\n',
        headers: { 'Content-Type': 'multipart/form-data; boundary=other' },
      });
      expect(res.status).toBeLessThan(500);
      expect(await t.consents(ALICE)).toEqual({ newsletter: 'withdrawn', offers: 'withdrawn' });
    });
  });
});

describe('bad links get a 400 page and change nothing', () => {
  const resign = async (claims: Record<string, unknown>) =>
    t.deps.tokens.sign({
      purpose: 'unsubscribe',
      subject: contact.id,
      site: 'demo',
      epoch: 0,
      ...claims,
    });

  const cases: [string, () => Promise<string>][] = [
    ['garbage', async () => 'not-a-token'],
    ['three empty parts', async () => 'a.b.c'],
    ['tampered payload (scoped to offers)', async () => {
      const [h, p, s] = tokenOf(path).split('.');
      const payload = JSON.parse(Buffer.from(p!, 'base64url').toString());
      payload.cat = 'offers';
      return `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
    }],
    ['tampered payload (another subject)', async () => {
      const [h, p, s] = tokenOf(path).split('.');
      const payload = JSON.parse(Buffer.from(p!, 'base64url').toString());
      payload.sub = 'someone-else';
      return `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
    }],
    ['tampered signature', async () => {
      const token = tokenOf(path);
      return token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
    }],
    ['a manage token from the welcome email', async () => {
      const manage = welcome.text.match(/https?:\/\/\S+\/p\/(\S+)/)?.[1];
      if (!manage) throw new Error('no /p/ link in the welcome email');
      return manage;
    }],
    ['a confirm token', async () => tokenOf(confirmLink)],
    ['unknown key id', async () => {
      const other = createTokens([{ kid: 'other', secret: 'z'.repeat(40) }], t.clock);
      return other.sign({ purpose: 'unsubscribe', subject: contact.id, site: 'demo', epoch: 0 });
    }],
    ['known kid, wrong secret', async () =>
      new SignJWT({ pur: 'unsubscribe', site: 'demo', ep: 0 })
        .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
        .setSubject(contact.id)
        .sign(new TextEncoder().encode('w'.repeat(40)))],
    ['alg none', async () => {
      const [, p] = tokenOf(path).split('.');
      const header = Buffer.from(JSON.stringify({ alg: 'none', kid: 'k1' })).toString('base64url');
      return `${header}.${p}.`;
    }],
    ['no epoch claim', async () => t.deps.tokens.sign({ purpose: 'unsubscribe', subject: contact.id, site: 'demo' })],
    ['unknown contact', async () => resign({ subject: 'nobody' })],
    ['unknown site', async () => resign({ site: 'elsewhere' })],
    ['scoped to an unknown category', async () => resign({ category: 'nope' })],
    ['scoped to an exempt category', async () => resign({ category: 'account' })],
    ['expired', async () =>
      t.deps.tokens.sign({ purpose: 'unsubscribe', subject: contact.id, site: 'demo', epoch: 0 }, -60)],
  ];

  it.each(cases)('%s', async (_name, make) => {
    const bad = `/u/${await make()}`;
    const before = await t.events(ALICE);
    for (const res of [
      await t.request(bad),
      await oneClick(bad),
      await pressButton(bad),
      await undo(bad, '1,2,3,4,5,6'),
    ]) {
      expect(res.status).toBe(400);
      expect(res.headers.get('Referrer-Policy')).toBe('no-referrer');
      expect(await res.text()).toContain(INVALID);
    }
    expect(await t.consents(ALICE)).toEqual(BOTH_GRANTED);
    expect(await t.events(ALICE)).toEqual(before);
  });

  it('a revoked link (the contact’s token epoch was bumped)', async () => {
    const scoped = toPath(await unsubscribeUrl(t.deps, contact, 'offers'));
    await t.db.updateTable('contacts').set({ token_epoch: 1 }).where('id', '=', contact.id).execute();
    for (const bad of [path, scoped]) {
      for (const res of [await t.request(bad), await oneClick(bad), await pressButton(bad), await undo(bad, '1')]) {
        expect(res.status).toBe(400);
        expect(await res.text()).toContain(INVALID);
      }
    }
    expect(await t.consents(ALICE)).toEqual(BOTH_GRANTED);
    // A link made with the new epoch works.
    const fresh = await t.db.selectFrom('contacts').selectAll().where('id', '=', contact.id).executeTakeFirstOrThrow();
    expect((await oneClick(toPath(await unsubscribeUrl(t.deps, fresh)))).status).toBe(200);
    expect(await t.consents(ALICE)).toEqual({ newsletter: 'withdrawn', offers: 'withdrawn' });
  });

  it('an undo posted with a revoked link restores nothing', async () => {
    const events = undoEventsOf(await (await pressButton(path)).text());
    await t.db.updateTable('contacts').set({ token_epoch: 1 }).where('id', '=', contact.id).execute();
    const res = await undo(path, events);
    expect(res.status).toBe(400);
    expect(await t.consents(ALICE)).toEqual({ newsletter: 'withdrawn', offers: 'withdrawn' });
  });

  it('an unsubscribe token is refused by the confirmation route', async () => {
    const bad = `/c/${tokenOf(path)}`;
    for (const res of [
      await t.request(bad),
      await t.request(bad, { method: 'POST' }),
      await t.request(`${bad}/resend`, { method: 'POST' }),
    ]) {
      expect(res.status).toBe(400);
      expect(await res.text()).toContain(INVALID);
    }
    expect(await t.consents(ALICE)).toEqual(BOTH_GRANTED);
    expect(await t.deliver()).toEqual([]);
  });

  it('an unsubscribe token is refused by the preference page', async () => {
    const bad = `/p/${tokenOf(path)}`;
    for (const res of [await t.request(bad), await t.request(bad, { method: 'POST', body: new URLSearchParams({}) })]) {
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    }
    expect(await t.consents(ALICE)).toEqual(BOTH_GRANTED);
  });
});

describe('key rotation', () => {
  it('a link signed before a new key was put first still works', async () => {
    const { createApp } = await import('../../src/app.tsx');
    const rotated = createTokens([{ kid: 'k2', secret: 'b'.repeat(40) }, ...t.deps.config.tokenSecrets], t.clock);
    const app = createApp(() => ({ ...t.deps, tokens: rotated }), { clientIp: () => TEST_IP });
    expect(JSON.parse(Buffer.from(tokenOf(path).split('.')[0]!, 'base64url').toString()).kid).toBe('k1');
    const view = await app.request(path);
    expect(view.status).toBe(200);
    // The page's own preference link is signed with the new key.
    const manage = /<a href="([^"]+)">Or choose which emails you get<\/a>/.exec(await view.text())?.[1];
    expect(JSON.parse(Buffer.from(tokenOf(toPath(manage!)).split('.')[0]!, 'base64url').toString()).kid).toBe('k2');
    const res = await app.request(path, {
      method: 'POST',
      body: 'List-Unsubscribe=One-Click',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(200);
    expect(await t.consents(ALICE)).toEqual({ newsletter: 'withdrawn', offers: 'withdrawn' });
  });
});
