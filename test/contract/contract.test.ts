// One contract, two runtimes: the same HTTP conversation with the Node server (better-sqlite3)
// and with the Worker (`npm run dev:worker`: wrangler dev on workerd with a local D1), each
// mailing through the real Resend SDK to a local stand-in for Resend's API. What a person and
// an operator see must be the same on both: signup, the confirmation email, confirm, the welcome
// with one-click headers, the preference page's htmx save, one-click unsubscribe and undo, the
// operator API, the race rules of the guarded batches, the embed's CORS answers, and the console.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTempDirs, startFakeResend, startServer, urlsIn, waitFor, type EnvVars, type FakeRequest, type FakeResend, type ServerProcess } from '../helpers/server-process.ts';
import { startWorker } from '../helpers/worker-process.ts';
import { FAKE_ACCOUNT_SID, FAKE_AUTH_TOKEN, startFakeTwilio, type FakeTwilio } from '../helpers/fake-twilio.ts';
import { twilioSignature } from '../helpers/sms-contacts.ts';

const ADMIN_KEY = 'contract-admin-key-0123456789abcdef';
const SHOP = 'https://shop.example';

/** `tick` lets time pass as the runtime's scheduler would: Node's loops run by themselves; a Worker's cron trigger is fired by hand. */
const runtimes: { name: string; start: (env: EnvVars) => Promise<ServerProcess>; tick: (server: ServerProcess) => Promise<void> }[] = [
  { name: 'Node', start: (env) => startServer({ env }), tick: async () => {} },
  {
    name: 'Workers (workerd, local D1)',
    start: (env) => startWorker({ env }),
    tick: async (server) => {
      expect((await server.fetch('/__scheduled?cron=*+*+*+*+*')).status).toBe(200);
    },
  },
];

afterAll(() => removeTempDirs());

describe.each(runtimes)('the contract on $name', ({ start, tick }) => {
  let server: ServerProcess;
  let resend: FakeResend;
  let twilio: FakeTwilio;

  beforeAll(async () => {
    resend = await startFakeResend();
    twilio = await startFakeTwilio();
    server = await start({
      ADMIN_API_KEY: ADMIN_KEY,
      RESEND_API_KEY: 're_contract_123',
      RESEND_BASE_URL: resend.url,
      TWILIO_ACCOUNT_SID: FAKE_ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: FAKE_AUTH_TOKEN,
      TWILIO_FROM: '+15005550006',
      TWILIO_BASE_URL: twilio.url,
      MAIL_FROM: 'Demo Shop <news@shop.example>',
      RATE_LIMIT_SIGNUP: '100000/10m',
      RATE_LIMIT_LINKS: '100000/10m',
      RATE_LIMIT_API: '100000/1m',
    });
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    await resend?.close();
    await twilio?.close();
  }, 30_000);

  // --- speaking to the runtime ---------------------------------------------------------------

  const path = (url: string) => {
    const parsed = new URL(url);
    return parsed.pathname + parsed.search;
  };

  async function api(method: string, route: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await server.fetch(`/api/v1${route}`, {
      method,
      headers: { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  }

  async function formFields(site = 'demo', lang = 'en') {
    const html = await (await server.fetch(`/s/${site}?lang=${lang}`)).text();
    const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '';
    return { consent: field('consent'), form: field('form'), lang };
  }

  async function signup(email: string, categories: string[], fields?: Awaited<ReturnType<typeof formFields>>) {
    const body = new URLSearchParams({ email, name: '', ...(fields ?? (await formFields())) });
    for (const key of categories) body.append('categories', key);
    return server.fetch('/s/demo', { method: 'POST', body, headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'User-Agent': 'ContractBrowser/1' } });
  }

  const mailsTo = (email: string, subject?: string) =>
    resend.emails(email).filter((mail) => subject === undefined || (mail.body?.subject ?? '').startsWith(subject));

  const oneMail = (email: string, subject: string) =>
    waitFor(() => mailsTo(email, subject)[0], { timeoutMs: 15_000, what: `"${subject}" to ${email}` });

  const linkIn = (mail: FakeRequest, prefix: string) => urlsIn(mail.body?.text ?? '').find((url) => new URL(url).pathname.startsWith(prefix))!;

  async function confirmed(email: string, categories = ['newsletter']) {
    expect((await signup(email, categories)).status).toBe(200);
    const confirm = linkIn(await oneMail(email, 'Confirm'), '/c/');
    expect((await server.fetch(path(confirm), { method: 'POST', headers: { 'User-Agent': 'ContractPhone/1' } })).status).toBe(200);
    return oneMail(email, 'Welcome');
  }

  async function statuses(email: string) {
    const found = await api('POST', '/sites/demo/contacts/lookup', { email });
    return Object.fromEntries((found.body.contact.consents as { category: string; status: string }[]).map((c) => [c.category, c.status]));
  }

  // --- the contract ---------------------------------------------------------------------------

  it('serves the signup form, nothing ticked, in both languages', async () => {
    const en = await server.fetch('/s/demo');
    expect(en.status).toBe(200);
    const html = await en.text();
    expect(html).toContain('Subscribe to Demo Shop');
    expect(html).not.toMatch(/type="checkbox"[^>]*checked/);
    expect(await (await server.fetch('/s/demo?lang=ja')).text()).toContain('<html lang="ja">');
  });

  it('signs up, mails one confirmation link, confirms with the button, welcomes with one-click headers', async () => {
    const welcome = await confirmed('alice@example.com', ['newsletter', 'offers']);
    const confirmation = mailsTo('alice@example.com', 'Confirm')[0]!;
    expect(confirmation.idempotencyKey).toBeTruthy();
    expect(urlsIn(confirmation.body!.text!).filter((url) => url.startsWith(server.env.BASE_URL ?? `http://localhost:${server.port}`))).toHaveLength(1);
    expect(welcome.body!.headers!['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    expect(welcome.body!.headers!['List-Unsubscribe']).toMatch(/^<http:\/\/localhost:\d+\/u\/[\w-]+\.[\w-]+\.[\w-]+>$/);
    expect(await statuses('alice@example.com')).toEqual({ newsletter: 'granted', offers: 'granted' });
  });

  it('the preference page saves a checkbox with htmx', async () => {
    const welcome = await confirmed('bob@example.com');
    const manage = path(linkIn(welcome, '/p/'));
    const page = await (await server.fetch(manage)).text();
    const consent = /name="consent" value="([0-9a-f]{64})"/.exec(page)![1]!;
    const res = await server.fetch(`${manage}/categories/offers`, {
      method: 'POST',
      body: new URLSearchParams({ consent, categories: 'offers' }),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'HX-Request': 'true' },
    });
    expect(res.status).toBe(200);
    const fragment = await res.text();
    expect(fragment).not.toContain('<!doctype html>');
    expect(fragment).toContain('id="row-offers"');
    expect(await statuses('bob@example.com')).toEqual({ newsletter: 'granted', offers: 'granted' });
  });

  it('a one-click unsubscribe withdraws at once; the page button offers an undo that works once', async () => {
    const welcome = await confirmed('carol@example.com', ['newsletter', 'offers']);
    const unsubscribe = path(/<([^>]+)>/.exec(welcome.body!.headers!['List-Unsubscribe']!)![1]!);
    const oneClick = await server.fetch(unsubscribe, {
      method: 'POST',
      body: 'List-Unsubscribe=One-Click',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: '' },
    });
    expect(oneClick.status).toBe(200);
    expect(await oneClick.text()).toBe('You are unsubscribed.');
    expect(await statuses('carol@example.com')).toEqual({ newsletter: 'withdrawn', offers: 'withdrawn' });

    const danWelcome = await confirmed('dan@example.com');
    const danLink = path(linkIn(danWelcome, '/u/'));
    const pressed = await (await server.fetch(danLink, { method: 'POST', body: new URLSearchParams({ unsubscribe: 'page' }) })).text();
    const token = /name="undo" value="([^"]+)"/.exec(pressed)![1]!;
    expect(await statuses('dan@example.com')).toEqual({ newsletter: 'withdrawn' });
    const undo = () => server.fetch(`${danLink}/undo`, { method: 'POST', body: new URLSearchParams({ undo: token }) });
    expect((await undo()).status).toBe(200);
    expect(await statuses('dan@example.com')).toEqual({ newsletter: 'granted' });
    expect((await undo()).status).toBe(400);
  });

  it('the operator API: lookup, events with their evidence, eligibility, imports and proof', async () => {
    await confirmed('erin@example.com');
    const { body } = await api('POST', '/sites/demo/contacts/lookup', { email: 'ERIN@example.com' });
    const id = body.contact.id as string;
    const events = (await api('GET', `/sites/demo/contacts/${id}/events`)).body.events as { action: string; userAgent: string | null; ip: string | null }[];
    // Each event's evidence attaches to the row its guarded insert wrote (changes(), last_insert_rowid()).
    expect(events.map((e) => `${e.action}:${e.userAgent}`)).toEqual(['requested:ContractBrowser/1', 'confirmed:ContractPhone/1']);
    expect(events.every((e) => e.ip !== null)).toBe(true);
    const eligibility = await api('POST', '/sites/demo/eligibility', { category: 'newsletter', emails: ['erin@example.com', 'nobody@example.com'] });
    expect(eligibility.body.results).toEqual([
      { email: 'erin@example.com', eligible: true },
      { email: 'nobody@example.com', eligible: false, reason: 'not_found' },
    ]);
    const imported = await api('POST', '/sites/demo/imports', {
      importId: 'contract-1',
      items: [{ email: 'frank@example.com', categories: ['offers'], method: 'paper', occurredAt: '2026-10-01T09:00:00Z', evidence: 'card 7', consentText: 'Yes, send me offers.' }],
    });
    expect(imported.status).toBe(201);
    expect(imported.body.granted).toBe(1);
    expect((await api('POST', '/sites/demo/imports', { importId: 'contract-1', items: [{ email: 'frank@example.com', categories: ['offers'], method: 'paper', occurredAt: '2026-10-01T09:00:00Z', evidence: 'card 7', consentText: 'Yes, send me offers.' }] })).status).toBe(200);
    // The proof: every event, sealed (the sealer runs after requests and on its schedule).
    const proof = await waitFor(async () => {
      const found = await api('GET', `/sites/demo/contacts/${id}/proof`);
      return found.body.events.every((e: { seal: string | null }) => e.seal !== null) ? found.body : null;
    }, { timeoutMs: 15_000, what: 'sealed events in the proof' });
    expect(proof.events).toHaveLength(2);
    expect(proof.ledger.head.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('takes lists as large as the API allows: 2,000 addresses to check and to record a send for, 200 audit rows', async () => {
    const items = Array.from({ length: 500 }, (_, i) => ({ email: `bulk${i}@example.com`, categories: ['newsletter'], method: 'previous_system', occurredAt: '2026-10-01T09:00:00Z' }));
    for (let part = 0; part < 2; part++) {
      const res = await api('POST', '/sites/demo/imports', { importId: `contract-bulk-${part}`, items: items.slice(part * 250, part * 250 + 250) });
      expect(res.status).toBe(201);
    }
    const emails = Array.from({ length: 2000 }, (_, i) => `bulk${i}@example.com`);
    const eligibility = await api('POST', '/sites/demo/eligibility', { category: 'newsletter', emails });
    expect(eligibility.status).toBe(200);
    expect(eligibility.body.results.filter((r: { eligible: boolean }) => r.eligible)).toHaveLength(500);
    const sends = await api('POST', '/sites/demo/sends', { campaign: 'contract-bulk', category: 'newsletter', emails });
    expect(sends.status).toBe(200);
    expect(sends.body).toMatchObject({ recorded: 500, alreadyRecorded: 0 });
    expect(sends.body.skipped).toHaveLength(1500);
    const audit = await api('GET', '/audit?limit=200');
    expect(audit.status).toBe(200);
    expect(audit.body.entries.length).toBeGreaterThan(5);
  });

  it('a send the provider refused is retried on the schedule, with the same idempotency key', async () => {
    resend.failNext(1, { status: 500, match: (request) => [request.body?.to ?? ''].flat().includes('retry@example.com') });
    expect((await signup('retry@example.com', ['newsletter'])).status).toBe(200);
    await waitFor(() => resend.emails('retry@example.com').length === 1, { timeoutMs: 10_000, what: 'the first attempt' });
    // The retry is due 2 s after the failure.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    await tick(server);
    const attempts = await waitFor(() => (resend.emails('retry@example.com').length >= 2 ? resend.emails('retry@example.com') : null), {
      timeoutMs: 10_000,
      what: 'the retried attempt',
    });
    expect(attempts.map((attempt) => attempt.status)).toEqual([500, 200]);
    expect(attempts[1]!.idempotencyKey).toBe(attempts[0]!.idempotencyKey);
  });

  it('20 parallel signups for one imported address send one confirmation email', async () => {
    await api('POST', '/sites/demo/imports', {
      importId: 'contract-race',
      items: [{ email: 'race@example.com', categories: ['newsletter'], method: 'previous_system', occurredAt: '2026-10-01T09:00:00Z' }],
    });
    const fields = await formFields();
    const answers = await Promise.all(Array.from({ length: 20 }, () => signup('race@example.com', ['offers'], fields)));
    expect(answers.every((res) => res.status === 200)).toBe(true);
    await oneMail('race@example.com', 'Confirm');
    // Give a second mail every chance to show up before counting.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(mailsTo('race@example.com', 'Confirm')).toHaveLength(1);
    expect(await statuses('race@example.com')).toEqual({ newsletter: 'granted', offers: 'pending' });
  });

  it('a confirmation racing a one-click never welcomes after the withdrawal', async () => {
    expect((await signup('racer@example.com', ['newsletter'])).status).toBe(200);
    const confirm = path(linkIn(await oneMail('racer@example.com', 'Confirm'), '/c/'));
    const links = await api('POST', '/sites/demo/contacts/links', { email: 'racer@example.com' });
    await Promise.all([
      server.fetch(confirm, { method: 'POST' }),
      server.fetch(path(links.body.unsubscribeUrl), { method: 'POST', body: 'List-Unsubscribe=One-Click', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: '' } }),
    ]);
    const { body } = await api('POST', '/sites/demo/contacts/lookup', { email: 'racer@example.com' });
    const events = (await api('GET', `/sites/demo/contacts/${body.contact.id}/events`)).body.events as { id: number; action: string }[];
    const confirmedEvent = events.find((e) => e.action === 'confirmed');
    const withdrawn = events.find((e) => e.action === 'withdrawn')!;
    expect(await statuses('racer@example.com')).toEqual({ newsletter: 'withdrawn' });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    if (!confirmedEvent) expect(mailsTo('racer@example.com', 'Welcome')).toHaveLength(0);
    else expect(confirmedEvent.id).toBeLessThan(withdrawn.id);
  });

  it('answers CORS for the embed’s allowed origins only', async () => {
    expect((await api('PATCH', '/sites/demo', { allowedOrigins: [SHOP] })).status).toBe(200);
    const preflight = (origin: string) =>
      server.fetch('/s/demo', { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' } });
    const allowed = await preflight(SHOP);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('Access-Control-Allow-Origin')).toBe(SHOP);
    expect((await preflight('https://evil.example')).headers.get('Access-Control-Allow-Origin')).toBeNull();
    const form = await server.fetch('/s/demo/form.json?lang=ja', { headers: { Origin: SHOP } });
    expect(form.status).toBe(200);
    expect(form.headers.get('Access-Control-Allow-Origin')).toBe(SHOP);
    expect(((await form.json()) as { labels: { submit: string } }).labels.submit).toBe('登録する');
    const script = await server.fetch('/embed.js');
    expect(script.headers.get('Cross-Origin-Resource-Policy')).toBe('cross-origin');
  });

  it('an operator made through the API sets a password on the setup link, signs in, finds a contact, uploads a logo and adds a category in the console', async () => {
    expect((await signup('console@example.com', ['newsletter'])).status).toBe(200);
    const made = await api('POST', '/operators', { email: 'owner@shop.example', role: 'owner' });
    expect(made.status).toBe(201);
    const origin = new URL(server.env.BASE_URL ?? `http://localhost:${server.port}`).origin;
    const password = 'a long and private passphrase';
    const setup = await server.fetch(path(made.body.setupUrl), {
      method: 'POST',
      body: new URLSearchParams({ password, repeat: password }),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: origin },
      redirect: 'manual',
    });
    expect(setup.status).toBe(303);
    const cookie = /assent_admin=[^;]+/.exec(setup.headers.get('Set-Cookie') ?? '')![0];
    const home = await server.fetch('/admin', { headers: { Cookie: cookie }, redirect: 'manual' });
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('Demo Shop');
    const found = await server.fetch('/admin/sites/demo/contacts?email=console%40example.com', { headers: { Cookie: cookie }, redirect: 'manual' });
    expect(found.status).toBe(303);
    const contact = await server.fetch(found.headers.get('Location')!, { headers: { Cookie: cookie }, redirect: 'manual' });
    expect(contact.status).toBe(200);
    expect(await contact.text()).toContain('Contact console@example.com');

    // A logo near the 100 KB limit goes up as a file and comes back byte for byte from the
    // database (D1 keeps it as text in a bound parameter); the signup page wears it.
    const logo = new Uint8Array(100 * 1024);
    logo.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    for (let i = 8; i < logo.length; i++) logo[i] = (i * 7919) % 251;
    const upload = new FormData();
    upload.set('logo', new File([logo], 'logo.png', { type: 'image/png' }));
    const stored = await server.fetch('/admin/sites/demo/settings/logo', { method: 'POST', body: upload, headers: { Cookie: cookie, Origin: origin }, redirect: 'manual' });
    expect(stored.status).toBe(303);
    const logoPath = /<img class="brand-logo" src="([^"]+)"/.exec(await (await server.fetch('/s/demo')).text())?.[1]?.replace('&amp;', '&');
    expect(logoPath).toMatch(/^\/s\/demo\/logo\?v=[0-9a-f]{16}$/);
    const served = await server.fetch(logoPath!);
    expect(served.headers.get('Content-Type')).toBe('image/png');
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(logo);

    // A kind of email added in the console is offered on the signup page at once.
    const added = await server.fetch('/admin/sites/demo/categories', {
      method: 'POST',
      body: new URLSearchParams({ key: 'events', kind: 'opt_in', channels: 'email', 'en.name': 'Events', 'en.description': 'Tastings.', 'en.purpose': 'To invite you.', 'en.frequency': 'Rarely' }),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie, Origin: origin },
      redirect: 'manual',
    });
    expect(added.status).toBe(303);
    expect(await (await server.fetch('/s/demo')).text()).toContain('value="events"');
  });

  // Last: it offers a category by SMS, which changes the signup page's wording for what follows.
  it('signs up by SMS: a code through Twilio, confirmed on the page, a welcome text ending with the opt-out link, and 停止 by reply stops it', async () => {
    expect((await api('PATCH', '/sites/demo', { defaultCountry: 'JP' })).status).toBe(200);
    expect((await api('PATCH', '/sites/demo/categories/offers', { channels: ['email', 'sms'] })).status).toBe(200);
    const body = new URLSearchParams({ email: '', name: '', ...(await formFields()), phone: '090-1234-5678' });
    body.append('sms_categories', 'offers');
    const answered = await server.fetch('/s/demo', { method: 'POST', body, headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'User-Agent': 'ContractPhone/1' }, redirect: 'manual' });
    expect(answered.status).toBe(303);
    const textTo = async (what: RegExp) => {
      await tick(server);
      return waitFor(() => twilio.messages.find((m) => m.to === '+819012345678' && what.test(m.body)), { timeoutMs: 15_000, what: `a text matching ${what}` });
    };
    const code = /your code is (\d{6})/.exec((await textTo(/your code is/)).body)![1]!;
    const origin = new URL(server.env.BASE_URL ?? `http://localhost:${server.port}`).origin;
    const confirmedPage = await server.fetch(path(new URL(answered.headers.get('Location')!, origin).href), {
      method: 'POST',
      body: new URLSearchParams({ code }),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: origin },
    });
    expect(await confirmedPage.text()).toContain('Your number is confirmed');
    const welcome = await textTo(/you will get/);
    expect(welcome.body).toMatch(/\nOpt out: http:\/\/localhost:\d+\/x\/[a-z2-9]{10}$/);
    const eligible = await api('POST', '/sites/demo/eligibility', { category: 'offers', channel: 'sms', phones: ['+819012345678'] });
    expect(eligible.body.results).toEqual([{ phone: '+819012345678', eligible: true }]);

    const inboundUrl = `${server.env.BASE_URL ?? `http://localhost:${server.port}`}/sms/inbound/twilio`;
    const fields = { MessageSid: 'SM' + '1'.repeat(32), From: '+819012345678', To: '+15005550006', Body: '停止' };
    const reply = await server.fetch('/sms/inbound/twilio', {
      method: 'POST',
      body: new URLSearchParams(fields),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': twilioSignature(FAKE_AUTH_TOKEN, inboundUrl, fields) },
    });
    expect(reply.status).toBe(200);
    expect(await reply.text()).toContain('<Message>');
    const after = await api('POST', '/sites/demo/eligibility', { category: 'offers', channel: 'sms', phones: ['+819012345678'] });
    expect(after.body.results).toEqual([{ phone: '+819012345678', eligible: false, reason: 'withdrawn' }]);
  });
});
