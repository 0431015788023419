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

function undo(p: string, token: string, userAgent = 'Clicker/2.0') {
  return t.request(`${p}/undo`, {
    method: 'POST',
    body: new URLSearchParams({ undo: token }),
    headers: { 'User-Agent': userAgent },
  });
}

/** The Undo form's signed token on an "unsubscribed" page. */
function undoTokenOf(html: string): string {
  const value = /<input type="hidden" name="undo" value="([^"]*)"\/>/.exec(html)?.[1];
  if (value === undefined) throw new Error('no Undo form on the page');
  return value;
}

const UNDO_GONE = 'Undo no longer works here';
const REQUEST_LINK = 'Get a new unsubscribe link';

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
    expect(html).toContain(`<form method="post" action="${path}">`);
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

  it('a scoped link’s page names its category, and offers to stop all marketing email too', async () => {
    const scoped = toPath(await unsubscribeUrl(t.deps, contact, 'offers'));
    const html = await (await t.request(scoped)).text();
    expect(html).toContain('Stop receiving Offers from Demo Shop?');
    expect(html).not.toContain('Stop all the emails');
    expect(html.match(/<button/g)).toHaveLength(2);
    expect(html).toContain('<input type="hidden" name="unsubscribe" value="all"/>');
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
    expect((await undo(path, 'x')).headers.get('Referrer-Policy')).toBe('no-referrer');
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
    expect(html).toContain(`<form method="post" action="${path}/undo">`);
    expect(html).toMatch(/<button type="submit" class="secondary">Undo<\/button>/);
    expect(html).toContain('Or choose which emails you get');

    expect(await t.consents(ALICE)).toEqual({ newsletter: 'withdrawn', offers: 'withdrawn' });
    const withdrawn = (await t.events(ALICE)).filter((e) => e.action === 'withdrawn');
    expect(withdrawn).toHaveLength(2);
    for (const event of withdrawn) {
      expect(event).toMatchObject({ method: 'unsubscribe_page', ip: TEST_IP, user_agent: 'Clicker/2.0' });
    }
    // The Undo form carries a signed token naming exactly these events, for 15 minutes.
    const undoClaims = JSON.parse(Buffer.from(undoTokenOf(html).split('.')[1]!, 'base64url').toString());
    expect(undoClaims).toMatchObject({ pur: 'undo', sub: contact.id, site: 'demo', evs: withdrawn.map((e) => e.id), ep: 0 });
    expect(undoClaims.exp - undoClaims.iat).toBe(15 * 60);
  });

  it('a scoped link withdraws only its category and says which', async () => {
    const scoped = toPath(await unsubscribeUrl(t.deps, contact, 'offers'));
    const html = await (await pressButton(scoped)).text();
    expect(html).toContain('You will no longer receive Offers.');
    expect(await t.consents(ALICE)).toEqual({ newsletter: 'granted', offers: 'withdrawn' });
    const withdrawn = (await t.events(ALICE)).filter((e) => e.action === 'withdrawn');
    expect(withdrawn.map((e) => e.category_key)).toEqual(['offers']);
    expect(JSON.parse(Buffer.from(undoTokenOf(html).split('.')[1]!, 'base64url').toString()).evs).toEqual([withdrawn[0]!.id]);
  });

  it('pressing again is harmless: 200, no second withdrawal, nothing to undo', async () => {
    await pressButton(path);
    const count = (await t.events(ALICE)).length;
    const again = await pressButton(path);
    expect(again.status).toBe(200);
    const html = await again.text();
    expect(html).toContain('You are unsubscribed');
    expect(html).not.toContain('name="undo"');
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

  /** A token as the page would issue it, naming whatever events the test wants. */
  const forged = (events: number[], subject = contact.id) =>
    t.deps.tokens.sign({ purpose: 'undo', subject, site: 'demo', events, epoch: 0 }, 15 * 60);

  async function expectGone(res: Response, consents: Record<string, string>, eventCount: number) {
    expect(res.status).toBe(400);
    expect(await res.text()).toContain(UNDO_GONE);
    expect(await t.consents(ALICE)).toEqual(consents);
    expect(await t.events(ALICE)).toHaveLength(eventCount);
  }

  it('puts back exactly what was there: granted stays granted, pending stays pending', async () => {
    const bobPath = await mixed('bob@example.com');
    t.clock.advance(MINUTE);
    const html = await (await pressButton(bobPath)).text();
    expect(await t.consents('bob@example.com')).toEqual({ newsletter: 'withdrawn', offers: 'withdrawn' });
    const before = await t.events('bob@example.com');

    t.clock.advance(MINUTE);
    const res = await undo(bobPath, undoTokenOf(html), 'Undoer/1.0');
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

  it('works once: the second press gets a 400 page and changes nothing', async () => {
    const token = undoTokenOf(await (await pressButton(path)).text());
    expect((await undo(path, token)).status).toBe(200);
    expect(await t.consents(ALICE)).toEqual(BOTH_GRANTED);
    await expectGone(await undo(path, token), BOTH_GRANTED, (await t.events(ALICE)).length);
  });

  it('works for 15 minutes', async () => {
    const token = undoTokenOf(await (await pressButton(path)).text());
    t.clock.advance(15 * MINUTE + 1000);
    await expectGone(await undo(path, token), { newsletter: 'withdrawn', offers: 'withdrawn' }, (await t.events(ALICE)).length);
  });

  it('is never offered for a mailbox provider’s one-click, and cannot be made to reverse one', async () => {
    await oneClick(path);
    const ids = (await t.events(ALICE)).filter((e) => e.action === 'withdrawn').map((e) => e.id);
    // Even a correctly signed token naming the one-click's events does nothing.
    await expectGone(await undo(path, await forged(ids)), { newsletter: 'withdrawn', offers: 'withdrawn' }, (await t.events(ALICE)).length);
  });

  it('restores only what did not change since', async () => {
    const token = undoTokenOf(await (await pressButton(path)).text());
    // Alice signs up for offers again (not confirmed yet): offers moved on since the unsubscribe.
    t.clock.advance(11 * MINUTE);
    await t.signup({ email: ALICE, categories: ['offers'] });
    t.clock.set(new Date(t.clock.now().getTime() - 10 * MINUTE).toISOString());
    expect(await t.consents(ALICE)).toEqual({ newsletter: 'withdrawn', offers: 'pending' });
    const count = (await t.events(ALICE)).length;

    const html = await (await undo(path, token)).text();
    expect(html).toContain('<li>Newsletter</li>');
    expect(html).not.toContain('<li>Offers</li>');
    expect(await t.consents(ALICE)).toEqual({ newsletter: 'granted', offers: 'pending' });
    const added = (await t.events(ALICE)).slice(count);
    expect(added.map((e) => `${e.category_key}:${e.action}:${e.method}`)).toEqual(['newsletter:granted:unsubscribe_undo']);
  });

  it('does not reverse what was not a press of this page: other withdrawals, confirmations', async () => {
    // Offers stopped some other way (as the preference page would).
    const site = await t.db.selectFrom('sites').selectAll().where('id', '=', 'demo').executeTakeFirstOrThrow();
    const [elsewhere] = await withdraw(t.deps, { site, contact }, ['offers'], 'preference_page', { ip: null, userAgent: null });
    expect(elsewhere).toBeTypeOf('number');
    const confirmed = (await t.events(ALICE)).filter((e) => e.action === 'confirmed').map((e) => e.id);
    const count = (await t.events(ALICE)).length;
    for (const ids of [[elsewhere!], confirmed, [elsewhere!, ...confirmed]]) {
      await expectGone(await undo(path, await forged(ids)), { newsletter: 'granted', offers: 'withdrawn' }, count);
    }
  });

  it('needs the token: event ids in the form (the old way) do nothing', async () => {
    await pressButton(path);
    const ids = (await t.events(ALICE)).filter((e) => e.action === 'withdrawn').map((e) => e.id);
    const count = (await t.events(ALICE)).length;
    const res = await t.request(`${path}/undo`, { method: 'POST', body: new URLSearchParams({ events: ids.join(',') }) });
    await expectGone(res, { newsletter: 'withdrawn', offers: 'withdrawn' }, count);
  });

  describe('tampered tokens restore nothing and never 500', () => {
    let token: string;
    let count: number;
    const WITHDRAWN = { newsletter: 'withdrawn', offers: 'withdrawn' };
    beforeEach(async () => {
      token = undoTokenOf(await (await pressButton(path)).text());
      count = (await t.events(ALICE)).length;
    });

    it('Alice’s token posted to Bob’s link', async () => {
      const { path: bobPath } = await subscribed('bob@example.com');
      const bobCount = (await t.events('bob@example.com')).length;
      const res = await undo(bobPath, token);
      expect(res.status).toBe(400);
      expect(await t.consents(ALICE)).toEqual(WITHDRAWN);
      expect(await t.events('bob@example.com')).toHaveLength(bobCount);
      expect(await t.consents('bob@example.com')).toEqual(BOTH_GRANTED);
    });

    it('a token for another contact naming Alice’s events', async () => {
      const ids = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).evs as number[];
      await expectGone(await undo(path, await forged(ids, 'someone-else')), WITHDRAWN, count);
    });

    it('a token minted before revoke-links', async () => {
      await t.db.updateTable('contacts').set({ token_epoch: 1 }).where('id', '=', contact.id).execute();
      const res = await undo(path, token);
      expect(res.status).toBe(400);
      expect(await t.consents(ALICE)).toEqual(WITHDRAWN);
    });

    const garbage = ['garbage', '', 'a.b.c', '1,2,3', "1) OR 1=1 --", 'x'.repeat(10_000)];
    it.each(garbage.map((value) => [value.length > 40 ? `${value.slice(0, 40)}…` : value || '(empty)', value]))('%s', async (_label, value) => {
      await expectGone(await undo(path, value), WITHDRAWN, count);
    });

    it('its payload edited (more event ids), its signature kept', async () => {
      const [h, p, sig] = token.split('.');
      const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
      claims.evs = [...claims.evs, 1, 2, 3];
      await expectGone(await undo(path, `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${sig}`), WITHDRAWN, count);
    });

    it('a manage or unsubscribe token in its place', async () => {
      const manage = welcome.text.match(/https?:\/\/\S+\/p\/(\S+)/)![1]!;
      for (const other of [manage, tokenOf(path)]) await expectGone(await undo(path, other), WITHDRAWN, count);
    });

    it('no undo field at all, a file in it, a broken multipart body', async () => {
      expect((await t.request(`${path}/undo`, { method: 'POST' })).status).toBe(400);
      const form = new FormData();
      form.append('undo', new Blob([token]), 'undo.txt');
      expect((await t.request(`${path}/undo`, { method: 'POST', body: form })).status).toBe(400);
      const broken = await t.request(`${path}/undo`, {
        method: 'POST',
        body: '--nope\r\nContent-Disposition: form-data; name="undo"\r\n\r\n',
        headers: { 'Content-Type': 'multipart/form-data; boundary=other' },
      });
      expect(broken.status).toBe(400);
      expect(await t.consents(ALICE)).toEqual(WITHDRAWN);
      expect(await t.events(ALICE)).toHaveLength(count);
    });
  });
});

describe('links that no longer open get a page that mails a fresh one', () => {
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

  it.each(cases)('%s: a 400 page with the form, nothing changed', async (name, make) => {
    const bad = `/u/${await make()}`;
    const before = await t.events(ALICE);
    for (const res of [await t.request(bad), await oneClick(bad), await pressButton(bad), await undo(bad, 'x')]) {
      expect(res.status).toBe(400);
      expect(res.headers.get('Referrer-Policy')).toBe('no-referrer');
      const html = await res.text();
      expect(html).toContain(REQUEST_LINK);
      expect(html).toContain(`<form method="post" action="/u/request-link">`);
      // An expired link still says which site it was for; nothing else does.
      if (name === 'expired') expect(html).toContain('<input type="hidden" name="site" value="demo"/>');
      else expect(html).not.toContain('name="site"');
    }
    expect(await t.consents(ALICE)).toEqual(BOTH_GRANTED);
    expect(await t.events(ALICE)).toEqual(before);
  });

  const requestLink = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
    t.request('/u/request-link', { method: 'POST', body: new URLSearchParams({ lang: 'en', ...fields }), headers });

  it('mails a fresh link to the stored address, which then unsubscribes', async () => {
    await t.deliver();
    const res = await requestLink({ email: ' ALICE@Example.com ', site: 'demo' });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('If this address is on our list, an email with a new unsubscribe link is on its way');
    const [mail] = await t.deliver();
    expect(mail!.to).toEqual([ALICE]);
    expect(mail!.subject).toBe('Your unsubscribe link for Demo Shop');
    const fresh = /https:\/\/assent\.test(\/u\/\S+)/.exec(mail!.text)![1]!;
    expect((await oneClick(fresh)).status).toBe(200);
    expect(await t.consents(ALICE)).toEqual({ newsletter: 'withdrawn', offers: 'withdrawn' });
  });

  it('answers the same for an unknown address, and mails nobody', async () => {
    await t.deliver();
    const known = await (await requestLink({ email: ALICE })).text();
    const unknown = await requestLink({ email: 'nobody@example.com' });
    expect(unknown.status).toBe(200);
    expect(await unknown.text()).toBe(known);
    expect((await t.deliver()).map((m) => m.to)).toEqual([[ALICE]]);
  });

  it('mails one link every 10 minutes at most, five a day, per inbox', async () => {
    await t.deliver();
    for (let i = 0; i < 3; i++) await requestLink({ email: ALICE });
    expect(await t.deliver()).toHaveLength(1);
    let sent = 1;
    for (let i = 0; i < 8; i++) {
      t.clock.advance(11 * MINUTE);
      await requestLink({ email: ALICE });
      sent += (await t.deliver()).length;
    }
    expect(sent).toBe(5);
  });

  it('never mails an erased contact', async () => {
    await t.request(`/api/v1/sites/demo/contacts/${contact.id}`, { method: 'DELETE', headers: { Authorization: `Bearer ${t.config.adminApiKey}` } });
    await t.deliver();
    expect((await requestLink({ email: ALICE })).status).toBe(200);
    expect(await t.deliver()).toEqual([]);
  });

  it('an address that is not one gets the form again with the error, in the form’s language', async () => {
    const res = await requestLink({ email: 'not an address', lang: 'ja' });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('<html lang="ja">');
    expect(html).toContain('aria-invalid="true"');
    expect(html).toContain('value="not an address"');
    expect(await t.deliver()).toEqual([]);
  });

  it('is refused from another site’s form', async () => {
    const res = await requestLink({ email: ALICE }, { Origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(await t.deliver()).toHaveLength(0);
  });
});

describe('a link revoked since it was mailed (revoke-links, erasure)', () => {
  beforeEach(async () => {
    await t.db.updateTable('contacts').set({ token_epoch: 1 }).where('id', '=', contact.id).execute();
  });

  it('still unsubscribes, by one-click and by the button', async () => {
    const scoped = toPath(await unsubscribeUrl(t.deps, contact, 'offers'));
    expect((await oneClick(scoped)).status).toBe(200);
    expect(await t.consents(ALICE)).toEqual({ newsletter: 'granted', offers: 'withdrawn' });
    expect((await pressButton(path)).status).toBe(200);
    expect(await t.consents(ALICE)).toEqual({ newsletter: 'withdrawn', offers: 'withdrawn' });
  });

  it('opens nothing else: no preference link, no undo', async () => {
    const view = await (await t.request(path)).text();
    expect(view).toContain('Stop all the emails');
    expect(view).not.toContain('/p/');
    const done = await (await pressButton(path)).text();
    expect(done).toContain('You are unsubscribed');
    expect(done).not.toContain('/p/');
    expect(done).not.toContain('name="undo"');
  });
});

describe('cross-purpose tokens', () => {
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
