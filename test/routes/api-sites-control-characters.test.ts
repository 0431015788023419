// Site and category texts end up in email subjects, From and footers: the API refuses every
// control character in them (header injection), naming the field, and changes nothing.
import { beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_KEY, makeTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});

function api(path: string, method: string, body: unknown) {
  return t.request(`/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}

const SHOP = {
  id: 'shop',
  name: 'Shop',
  legalName: 'Shop Ltd',
  postalAddress: '1 High Street, London',
  inquiryContact: 'privacy@shop.example',
  senderAddress: 'Shop <news@shop.example>',
  privacyPolicyUrl: 'https://shop.example/privacy',
  privacyPolicyVersion: 'v1',
  defaultLocale: 'en',
  timeZone: 'Europe/London',
  allowedOrigins: ['https://shop.example'],
};
const TEXTS = { name: 'Recipes', description: 'Weekly recipes.', purpose: 'To inspire you.', frequency: 'Weekly' };

// CR and LF split headers; NUL cuts strings short in C code; U+2028 is a line break to some parsers.
const BREAKERS = { CR: '\r', LF: '\n', CRLF: '\r\n', NUL: '\0', TAB: '\t', 'U+0085': '\u0085', 'U+2028': '\u2028', 'U+2029': '\u2029' };

/** The field's value with a breaker inside, and one at its end (trimming must not hide it). */
function poisoned(field: string, value: string, breaker: string): string[] {
  if (field === 'senderAddress') return [`Shop${breaker}Bcc: victim@example.com <news@shop.example>`, `news@shop.example${breaker}`];
  if (field === 'privacyPolicyUrl') return [`https://shop.example/pri${breaker}vacy`, `https://shop.example/privacy${breaker}`];
  if (field === 'timeZone') return [`Europe/${breaker}London`, `Europe/London${breaker}`];
  return [`${value.slice(0, 2)}${breaker}Bcc: victim@example.com`, `${value}${breaker}`];
}

async function detailPaths(res: Response): Promise<string[]> {
  const body = await res.json();
  return [...new Set<string>(body.error.details.map((d: { path: string }) => d.path))];
}

const SITE_FIELDS = ['name', 'legalName', 'postalAddress', 'inquiryContact', 'senderAddress', 'privacyPolicyUrl', 'privacyPolicyVersion', 'timeZone'] as const;

describe('control characters in site fields', () => {
  for (const [label, breaker] of Object.entries(BREAKERS)) {
    it(`refuses ${label} in every field of a new site, naming the field, and creates nothing`, async () => {
      for (const field of SITE_FIELDS) {
        for (const value of poisoned(field, SHOP[field], breaker)) {
          const res = await api('/sites', 'POST', { ...SHOP, [field]: value });
          expect(res.status, `${field}: ${JSON.stringify(value)}`).toBe(400);
          expect(await detailPaths(res), field).toEqual([field]);
        }
      }
      const origin = await api('/sites', 'POST', { ...SHOP, allowedOrigins: [`https://shop.example${breaker}`] });
      expect(origin.status).toBe(400);
      expect(await detailPaths(origin)).toEqual(['allowedOrigins.0']);
      expect(await t.db.selectFrom('sites').select('id').where('id', '=', 'shop').execute()).toEqual([]);
    });

    it(`refuses ${label} in every field of a site update and leaves the site as it was`, async () => {
      const before = await t.db.selectFrom('sites').selectAll().where('id', '=', 'demo').executeTakeFirstOrThrow();
      for (const field of SITE_FIELDS) {
        for (const value of poisoned(field, SHOP[field], breaker)) {
          const res = await api('/sites/demo', 'PATCH', { [field]: value });
          expect(res.status, `${field}: ${JSON.stringify(value)}`).toBe(400);
          expect(await detailPaths(res), field).toEqual([field]);
        }
      }
      expect(await t.db.selectFrom('sites').selectAll().where('id', '=', 'demo').executeTakeFirstOrThrow()).toEqual(before);
    });
  }

  it('accepts a sender that is an address or "Name <address>", and nothing else', async () => {
    for (const good of ['news@shop.example', 'Shop <news@shop.example>', 'ショップ <news@shop.example>']) {
      expect((await api('/sites/demo', 'PATCH', { senderAddress: good })).status, good).toBe(200);
    }
    for (const bad of ['Shop', 'news at shop.example', 'Shop <news@shop.example', 'a@b.example, c@d.example', '<a@b.example> <c@d.example>']) {
      const res = await api('/sites/demo', 'PATCH', { senderAddress: bad });
      expect(res.status, bad).toBe(400);
      expect(await detailPaths(res)).toEqual(['senderAddress']);
    }
  });
});

describe('control characters in category texts', () => {
  const TEXT_FIELDS = ['name', 'description', 'purpose', 'frequency'] as const;

  for (const [label, breaker] of Object.entries(BREAKERS)) {
    it(`refuses ${label} in every text of a new category, in every locale, naming the field`, async () => {
      for (const locale of ['en', 'ja']) {
        for (const field of TEXT_FIELDS) {
          const translations = { en: TEXTS, [locale]: { ...TEXTS, [field]: `${TEXTS[field]}${breaker}x` } };
          const res = await api('/sites/demo/categories', 'POST', { key: 'recipes', kind: 'opt_in', translations });
          expect(res.status, `${locale}.${field}`).toBe(400);
          expect(await detailPaths(res)).toEqual([`translations.${locale}.${field}`]);
        }
      }
      expect(await t.db.selectFrom('categories').select('key').where('key', '=', 'recipes').execute()).toEqual([]);
    });

    it(`refuses ${label} in a category update and leaves its texts as they were`, async () => {
      const before = await t.db.selectFrom('category_translations').selectAll().orderBy('category_key').orderBy('locale').execute();
      for (const locale of ['en', 'ja']) {
        for (const field of TEXT_FIELDS) {
          const res = await api('/sites/demo/categories/newsletter', 'PATCH', { translations: { [locale]: { [field]: `x${breaker}` } } });
          expect(res.status, `${locale}.${field}`).toBe(400);
          expect(await detailPaths(res)).toEqual([`translations.${locale}.${field}`]);
        }
      }
      expect(await t.db.selectFrom('category_translations').selectAll().orderBy('category_key').orderBy('locale').execute()).toEqual(before);
    });
  }
});
