// The console's CSV import: upload, columns, a preview with every problem by row and field, then
// all rows or none through the API's use-case with the operator as the actor; the template; who
// may do what; and files that are not what they should be.
import { beforeEach, describe, expect, it } from 'vitest';
import { addTeaSite, signedInOperator, withCookie } from '../helpers/console.ts';
import { phoneLookupHash } from '../../src/sms/phone.ts';
import { ADMIN_KEY, makeTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});

const HEADER = 'email,categories,method,occurredAt,evidence,consentText,locale,basis,relationshipAt,sourceUrl';
const row = (email: string, categories = 'newsletter', method = 'paper') =>
  `${email},${categories},${method},2026-10-01T09:00:00+09:00,"Signed form #12, kept at the Shibuya shop","Yes, send me ""news"" by email.",ja,,,`;
const GOOD = [HEADER, row('alice@example.com', 'newsletter;offers'), row('bob@example.com'), row('carol@example.com')].join('\r\n') + '\r\n';
const BAD = [HEADER, row('alice@example.com', 'newsletter;offers'), row('bob@example'), row('carol@example.com', 'newsletter;nope', 'fax'), 'dave@example.com,offers,in_store,2026-10-01T09:00:00Z'].join('\n');

const csvFile = (content: string | Uint8Array<ArrayBuffer>, name = 'shop.csv') => new File([content], name, { type: 'text/csv' });

function upload(cookie: string, file: File | null, lang = 'en', headers: Record<string, string> = {}) {
  const body = new FormData();
  if (file) body.append('file', file);
  return t.request(`/admin/sites/demo/imports?lang=${lang}`, withCookie(cookie, { method: 'POST', body, headers }));
}

const unescape = (html: string) => html.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** What the preview's form would post: its hidden fields and the selected column of each select. */
function previewForm(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [, name, value] of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) fields[name!] = unescape(value!);
  for (const [, name, options] of html.matchAll(/<select name="([^"]+)"[^>]*>(.*?)<\/select>/gs)) {
    fields[name!] = /<option value="(\d*)" selected/.exec(options!)?.[1] ?? '';
  }
  return fields;
}

function post(cookie: string, step: 'preview' | 'run', fields: Record<string, string>, lang = 'en', headers: Record<string, string> = {}) {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) body.append(name, value);
  return t.request(`/admin/sites/demo/imports/${step}?lang=${lang}`, withCookie(cookie, { method: 'POST', body, headers }));
}

const count = (table: 'consent_events' | 'contacts' | 'imports' | 'consents') =>
  t.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow().then((r) => Number(r.n));
const written = () => Promise.all([count('consent_events'), count('contacts'), count('imports'), count('consents')]);
const text = (html: string) => unescape(html.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ');

describe('a CSV import in the console', () => {
  it('shows every problem by row and field and writes nothing; the fixed file imports all rows, as the operator, once', async () => {
    const editor = await signedInOperator(t, 'editor@shop.example', 'editor');
    const before = await written();
    const bad = await upload(editor.cookie, csvFile(BAD));
    expect(bad.status).toBe(200);
    const badHtml = await bad.text();
    const badPage = text(badHtml);
    expect(badPage).toContain('5 problems: nothing is imported until every row is right');
    expect(badPage).toContain('Row 3, Email address: not a valid email address.');
    expect(badPage).toContain('Row 4, Categories: there is no category “nope” on this site.');
    expect(badPage).toContain('Row 4, Method: must be one of paper, in_store, event, app, web_form, previous_system.');
    expect(badPage).toContain('Row 5, Evidence: needed for method “in_store”');
    expect(badPage).toContain('Row 5, Consent wording: needed for method “in_store”');
    expect(badHtml).not.toContain('/imports/run');
    // Even a hand-made post of the bad file imports nothing.
    const forced = await post(editor.cookie, 'run', previewForm(await (await upload(editor.cookie, csvFile(BAD))).text()));
    expect(forced.status).toBe(200);
    expect(text(await forced.text())).toContain('Row 3, Email address');
    expect(await written()).toEqual(before);

    const good = await upload(editor.cookie, csvFile(GOOD, 'shop-fixed.csv'));
    const goodHtml = await good.text();
    expect(text(goodHtml)).toContain('No problems in the 3 rows.');
    expect(text(goodHtml)).toContain('shop-fixed.csv: 3 rows after the header.');
    expect(goodHtml).toContain('Import 3 rows');
    const imported = await post(editor.cookie, 'run', previewForm(goodHtml));
    expect(imported.status).toBe(201);
    const result = text(await imported.text());
    expect(result).toContain('4 consents granted, 0 skipped, 0 rows refused.');
    expect(result).toContain('2 alice@example.com newsletter: granted; offers: granted');
    expect(result).toContain('4 carol@example.com newsletter: granted');
    expect(await t.consents('alice@example.com')).toEqual({ newsletter: 'granted', offers: 'granted' });
    const [event] = await t.events('bob@example.com');
    expect(event).toMatchObject({ action: 'granted', method: 'paper', actor: `operator:${editor.id}`, occurred_at: '2026-10-01T00:00:00.000Z' });
    const wording = await t.db.selectFrom('consent_texts').select('text').where('sha256', '=', event!.consent_text_sha256!).executeTakeFirstOrThrow();
    expect(wording.text).toBe('Yes, send me "news" by email.');
    expect(await t.db.selectFrom('imports').select(['api_key_id', 'operator_id', 'item_count']).execute()).toEqual([{ api_key_id: null, operator_id: editor.id, item_count: 3 }]);

    // Pressed again (the back button, a double click): the same import, nothing more written.
    const events = await count('consent_events');
    const again = await post(editor.cookie, 'run', previewForm(goodHtml));
    expect(again.status).toBe(200);
    expect(text(await again.text())).toContain('This file was imported before, with the same columns: nothing was written again.');
    expect(await count('consent_events')).toBe(events);

    // The page lists it among the recent imports, by the operator.
    expect(text(await (await t.request('/admin/sites/demo/imports', withCookie(editor.cookie))).text())).toMatch(/editor@shop\.example 3 4 granted, 0 skipped, 0 refused/);
  });

  it('audits the previews (addresses from a file) and the import, naming every contact it touched', async () => {
    const editor = await signedInOperator(t, 'editor@shop.example', 'editor');
    const preview = await upload(editor.cookie, csvFile(GOOD));
    await post(editor.cookie, 'run', previewForm(await preview.text()));
    const rows = await t.db.selectFrom('audit_log').select(['id', 'operator_id', 'route', 'status', 'site_id']).where('operator_id', '=', editor.id).orderBy('id').execute();
    expect(rows.map(({ id: _, ...r }) => r)).toEqual([
      { operator_id: editor.id, route: '/admin/sites/:site/imports', status: 200, site_id: 'demo' },
      { operator_id: editor.id, route: '/admin/sites/:site/imports/run', status: 201, site_id: 'demo' },
    ]);
    const named = await t.db.selectFrom('audit_contacts').select('contact_id').where('audit_id', '=', rows[1]!.id).execute();
    const contacts = await t.db.selectFrom('contacts').select('id').execute();
    expect(named.map((r) => r.contact_id).sort()).toEqual(contacts.map((r) => r.id).sort());
    expect(contacts).toHaveLength(3);
  });

  it('says the problems in Japanese on the Japanese page', async () => {
    const editor = await signedInOperator(t, 'editor@shop.example', 'editor');
    const page = text(await (await upload(editor.cookie, csvFile(BAD), 'ja')).text());
    expect(page).toContain('3行目、メールアドレス：正しいメールアドレスではありません。');
    expect(page).toContain('4行目、カテゴリー：このサイトに「nope」というカテゴリーはありません。');
  });

  it('reads Japanese text in a UTF-8 file with Excel’s byte order mark and guesses Japanese headers', async () => {
    const editor = await signedInOperator(t, 'editor@shop.example', 'editor');
    const csv = '\uFEFFメールアドレス,カテゴリー,取得方法,同意日時,証拠,同意文言\r\nhana@example.com,newsletter,in_store,2026-10-01T09:00:00+09:00,渋谷店の申込書,"メールマガジンの配信に同意します。"\r\n';
    const html = await (await upload(editor.cookie, csvFile(new TextEncoder().encode(csv)))).text();
    expect(text(html)).toContain('No problems in the 1 rows.');
    expect(await (await post(editor.cookie, 'run', previewForm(html))).status).toBe(201);
    const [event] = await t.events('hana@example.com');
    const wording = await t.db.selectFrom('consent_texts').select('text').where('sha256', '=', event!.consent_text_sha256!).executeTakeFirstOrThrow();
    expect(wording.text).toBe('メールマガジンの配信に同意します。');
  });

  it('needs a column for the email address, and imports only what was previewed', async () => {
    const editor = await signedInOperator(t, 'editor@shop.example', 'editor');
    const noEmail = GOOD.replace(/^email,/, 'who,');
    const html = await (await upload(editor.cookie, csvFile(noEmail))).text();
    expect(text(html)).toContain('Choose the column that holds Email address.');
    expect(html).not.toContain('/imports/run');
    const fields = previewForm(html);
    expect(fields['column-email']).toBe('');
    expect((await post(editor.cookie, 'run', fields)).status).toBe(200);
    expect(await count('imports')).toBe(0);

    // Columns chosen, checked: the import button. Other columns posted to it: a new preview, no import.
    const chosen = await (await post(editor.cookie, 'preview', { ...fields, 'column-email': '0' })).text();
    expect(text(chosen)).toContain('No problems in the 3 rows.');
    const changed = await post(editor.cookie, 'run', { ...previewForm(chosen), 'column-locale': '' });
    expect(changed.status).toBe(200);
    expect(text(await changed.text())).toContain('The columns changed since the preview');
    expect(await count('imports')).toBe(0);
    expect((await post(editor.cookie, 'run', previewForm(chosen))).status).toBe(201);
  });

  it('refuses what is not a UTF-8 CSV with a way out, an empty file, too many rows, and a body over 2 MiB', async () => {
    const editor = await signedInOperator(t, 'editor@shop.example', 'editor');
    const shiftJis = await upload(editor.cookie, csvFile(Uint8Array.from([0x83, 0x81, 0x81, 0x5b, 0x83, 0x8b, 0x2c, 0x61, 0x0d, 0x0a])));
    expect(shiftJis.status).toBe(400);
    expect(text(await shiftJis.text())).toContain('In Excel, save it as “CSV UTF-8 (comma delimited)”');
    const workbook = await upload(editor.cookie, csvFile(Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0]), 'shop.xlsx'));
    expect(text(await workbook.text())).toContain('This is an Excel workbook, not a CSV.');
    const png = await upload(editor.cookie, csvFile(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), 'logo.png'));
    expect(png.status).toBe(400);
    expect(text(await png.text())).toMatch(/This file is not UTF-8 text|This is not a CSV file/);
    const empty = await upload(editor.cookie, csvFile(''));
    expect(empty.status).toBe(400);
    expect(text(await empty.text())).toContain('The file is empty.');
    const none = await upload(editor.cookie, null);
    expect(text(await none.text())).toContain('Choose a CSV file.');
    const headerOnly = await upload(editor.cookie, csvFile(`${HEADER}\n`));
    expect(text(await headerOnly.text())).toContain('The file has a header and no row to import.');
    const unclosed = await upload(editor.cookie, csvFile(`${HEADER}\n${row('a@example.com')}\nb@example.com,"newsletter\n`));
    expect(text(await unclosed.text())).toContain('Row 3: a quoted field is never closed');
    const many = [HEADER, ...Array.from({ length: 1001 }, (_, i) => `p${i}@example.com,newsletter,web_form,2026-10-01T09:00:00Z`)].join('\n');
    const tooMany = await upload(editor.cookie, csvFile(many));
    expect(tooMany.status).toBe(400);
    expect(text(await tooMany.text())).toContain('The file has 1,001 rows; an import takes at most 1,000.');
    const huge = await upload(editor.cookie, csvFile(HEADER + '\n' + 'x'.repeat(2 * 1024 * 1024)));
    expect(huge.status).toBe(413);
    expect(text(await huge.text())).toContain('A file sent here may be at most 2 MiB');
    expect(await written()).toEqual([0, 0, 0, 0]);
  });

  it('gives a template with the site’s categories that imports as it is', async () => {
    const editor = await signedInOperator(t, 'editor@shop.example', 'editor');
    const res = await t.request('/admin/sites/demo/imports/template.csv', withCookie(editor.cookie));
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('Content-Disposition')).toBe('attachment; filename="assent-import-demo.csv"');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const template = new TextDecoder().decode(bytes);
    expect(template.split('\r\n')[0]).toBe(HEADER);
    expect(template.split('\r\n')[1]).toMatch(/^alice@example\.com,newsletter;offers,paper,2026-10-31T09:00:00Z,/);
    const html = await (await upload(editor.cookie, csvFile(bytes, 'assent-import-demo.csv'))).text();
    expect(text(html)).toContain('No problems in the 1 rows.');
    expect((await post(editor.cookie, 'run', previewForm(html))).status).toBe(201);
    expect(await t.consents('alice@example.com')).toEqual({ newsletter: 'granted', offers: 'granted' });
  });
});

describe('who may import', () => {
  it('a viewer reads the page and the template, without an upload form, and is refused every step', async () => {
    const viewer = await signedInOperator(t, 'viewer@shop.example', 'viewer');
    const page = await t.request('/admin/sites/demo/imports', withCookie(viewer.cookie));
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Import consents from a CSV');
    expect(html).not.toContain('type="file"');
    expect(text(html)).toContain('Your role (viewer) can read, not change');
    expect((await upload(viewer.cookie, csvFile(GOOD))).status).toBe(403);
    const editor = await signedInOperator(t, 'editor@shop.example', 'editor');
    const fields = previewForm(await (await upload(editor.cookie, csvFile(GOOD))).text());
    expect((await post(viewer.cookie, 'preview', fields)).status).toBe(403);
    expect((await post(viewer.cookie, 'run', fields)).status).toBe(403);
    expect(await written()).toEqual([0, 0, 0, 0]);
  });

  it('an editor of another site gets a 404 for every step; a stranger is sent to sign in and sees nothing', async () => {
    await addTeaSite(t);
    const tea = await signedInOperator(t, 'tea@tea.example', 'editor', 'tea');
    expect((await t.request('/admin/sites/tea/imports', withCookie(tea.cookie))).status).toBe(200);
    for (const path of ['/admin/sites/demo/imports', '/admin/sites/demo/imports/template.csv']) {
      const res = await t.request(path, withCookie(tea.cookie));
      expect(res.status, path).toBe(404);
      expect(await res.text()).not.toContain('Demo Shop');
    }
    expect((await upload(tea.cookie, csvFile(GOOD))).status).toBe(404);
    expect((await post(tea.cookie, 'run', { csv: GOOD, checked: 'x' })).status).toBe(404);

    for (const path of ['/admin/sites/demo/imports', '/admin/sites/demo/imports/template.csv']) {
      const res = await t.request(path);
      expect(res.status, path).toBe(303);
      expect(res.headers.get('Location')).toBe('/admin/login?lang=en');
      expect(await res.text()).toBe('');
    }
    const body = new FormData();
    body.append('file', csvFile(GOOD));
    expect((await t.request('/admin/sites/demo/imports', { method: 'POST', body })).status).toBe(303);
    expect(await written()).toEqual([0, 0, 0, 0]);
  });

  it('refuses a form posted from another site, at every step', async () => {
    const editor = await signedInOperator(t, 'editor@shop.example', 'editor');
    const fields = previewForm(await (await upload(editor.cookie, csvFile(GOOD))).text());
    const evil = { Origin: 'https://evil.example' };
    expect((await upload(editor.cookie, csvFile(GOOD), 'en', evil)).status).toBe(403);
    expect((await post(editor.cookie, 'preview', fields, 'en', evil)).status).toBe(403);
    const forged = await post(editor.cookie, 'run', fields, 'en', evil);
    expect(forged.status).toBe(403);
    expect(text(await forged.text())).toContain('This form was sent from somewhere else');
    expect(await written()).toEqual([0, 0, 0, 0]);
    // The same post from our own page imports: the refusal was the origin's.
    expect((await post(editor.cookie, 'run', fields)).status).toBe(201);
  });
});

describe('text message rows in a CSV', () => {
  const admin = { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/json' };
  const patch = (path: string, body: unknown) => t.request(`/api/v1/sites/demo${path}`, { method: 'PATCH', headers: admin, body: JSON.stringify(body) });
  const smsStatuses = async (phone: string) => {
    const contact = await t.db.selectFrom('contacts').select('id').where('phone_hash', '=', await phoneLookupHash(t.config.lookupKey, phone)).executeTakeFirstOrThrow();
    const rows = await t.db.selectFrom('consents').select(['category_key', 'channel', 'status']).where('contact_id', '=', contact.id).orderBy('channel').orderBy('category_key').execute();
    return rows.map((r) => `${r.channel}:${r.category_key}:${r.status}`);
  };

  beforeEach(async () => {
    expect((await patch('/categories/offers', { channels: ['email', 'sms'] })).status).toBe(200);
    expect((await patch('', { defaultCountry: 'JP' })).status).toBe(200);
  });

  it('gives a site offering SMS a template with the number and channel columns and a text message’s row, which imports as it is', async () => {
    const editor = await signedInOperator(t, 'editor@shop.example', 'editor');
    const template = await (await t.request('/admin/sites/demo/imports/template.csv', withCookie(editor.cookie))).text();
    const [header, emailRow, smsRow] = template.replace(/^\uFEFF/, '').split('\r\n');
    expect(header).toBe('email,phone,channel,categories,method,occurredAt,evidence,consentText,locale,basis,relationshipAt,sourceUrl');
    expect(emailRow).toMatch(/^alice@example\.com,,,newsletter;offers,paper,/);
    expect(smsRow).toMatch(/^,\+819012345678,sms,offers,paper,/);
    const html = await (await upload(editor.cookie, csvFile(template))).text();
    expect(text(html)).toContain('No problems in the 2 rows.');
    expect((await post(editor.cookie, 'run', previewForm(html))).status).toBe(201);
    expect(await t.consents('alice@example.com')).toEqual({ newsletter: 'granted', offers: 'granted' });
    expect(await smsStatuses('+819012345678')).toEqual(['sms:offers:granted']);
  });

  it('reads numbers as dialled in the site’s country, names each bad row’s field, and needs no address column beside a number column', async () => {
    const editor = await signedInOperator(t, 'editor@shop.example', 'editor');
    const head = '携帯電話番号,チャネル,カテゴリー,取得方法,同意日時';
    const bad = [head, '090-8765-4321,sms,offers,web_form,2026-10-01T09:00:00+09:00', '03-1234-5678,SMS,offers,web_form,2026-10-01T09:00:00+09:00', '+819011112222,sms,newsletter,web_form,2026-10-01T09:00:00+09:00', ',sms,offers,web_form,2026-10-01T09:00:00+09:00'].join('\n');
    const badHtml = await (await upload(editor.cookie, csvFile(bad))).text();
    const badPage = text(badHtml);
    expect(badPage).not.toContain('Choose the column that holds');
    expect(badPage).toContain('3 problems: nothing is imported until every row is right');
    expect(badPage).toContain('Row 3, Mobile number: not a mobile number: a text message cannot reach it.');
    expect(badPage).toContain('Row 4, Categories: “newsletter” is not offered by SMS on this site.');
    expect(badPage).toContain('Row 5, Mobile number: neither an email address nor a mobile number: give one of them, or both.');
    expect(badHtml).not.toContain('/imports/run');
    const ja = text(await (await upload(editor.cookie, csvFile(bad), 'ja')).text());
    expect(ja).toContain('4行目、カテゴリー：「newsletter」はこのサイトではSMSで提供していません。');
    expect(await count('contacts')).toBe(0);

    const good = [head, '090-8765-4321,sms,offers,web_form,2026-10-01T09:00:00+09:00'].join('\n');
    const html = await (await upload(editor.cookie, csvFile(good))).text();
    expect(text(html)).toContain('No problems in the 1 rows.');
    const result = await post(editor.cookie, 'run', previewForm(html));
    expect(result.status).toBe(201);
    expect(text(await result.text())).toContain('2 +819087654321 offers: granted');
    expect(await smsStatuses('+819087654321')).toEqual(['sms:offers:granted']);
    const [event] = await t.db.selectFrom('consent_events').selectAll().execute();
    expect(event).toMatchObject({ channel: 'sms', action: 'granted', method: 'web_form', actor: `operator:${editor.id}` });
  });
});
