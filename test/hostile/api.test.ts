// Hostile input against the operator API (/api/v1/sites/{site}/..., shortened to "…" in test
// names), with the right key (the body and path are the attack) and with missing, wrong and
// malformed keys (nothing may happen at all).
import { describe, it } from 'vitest';
import { ADMIN_KEY } from '../helpers/test-app.ts';
import { INJECTIONS, JSON_TYPE, KB, POST_KINDS, readKindsFor, XSS_IMG, XSS_SCRIPT, huge, type PostRoute, type ReadRoute } from './corpus.ts';
import { expectAllSafe, useFixture, type HostileRequest } from './harness.ts';

const f = useFixture();

const AUTH = { Authorization: `Bearer ${ADMIN_KEY}` };

const POST_ROUTES: readonly PostRoute[] = [
  {
    name: 'POST …/contacts/lookup',
    path: '/api/v1/sites/demo/contacts/lookup',
    slot: '/api/v1/sites/{x}/contacts/lookup',
    fields: { email: 'alice@example.com' },
    headers: AUTH,
    json: true,
  },
  {
    name: 'POST …/contacts/links',
    path: '/api/v1/sites/demo/contacts/links',
    slot: '/api/v1/sites/{x}/contacts/links',
    fields: { email: 'alice@example.com', category: 'newsletter' },
    headers: AUTH,
    json: true,
  },
  {
    name: 'POST …/contacts/{id}/revoke-links',
    path: '/api/v1/sites/demo/contacts/{id}/revoke-links',
    slot: '/api/v1/sites/demo/contacts/{x}/revoke-links',
    // The route reads no body: any authorised POST for a real contact revokes.
    fields: { reason: 'leaked' },
    headers: AUTH,
    json: true,
    anyBodyChanges: true,
    bodyIgnored: true,
  },
];

const READ_ROUTES: readonly ReadRoute[] = [
  {
    name: 'GET …/contacts/{id}/events',
    method: 'GET',
    path: '/api/v1/sites/demo/contacts/{id}/events',
    slot: '/api/v1/sites/demo/contacts/{x}/events',
    headers: AUTH,
  },
  {
    name: 'GET …/contacts/{id}/events (site slot)',
    method: 'GET',
    path: '/api/v1/sites/demo/contacts/{id}/events',
    slot: '/api/v1/sites/{x}/contacts/{id}/events',
    headers: AUTH,
  },
  {
    name: 'GET …/forms/{sha256}',
    method: 'GET',
    path: `/api/v1/sites/demo/forms/${'0'.repeat(64)}`,
    slot: '/api/v1/sites/demo/forms/{x}',
    headers: AUTH,
  },
];

describe.each(POST_ROUTES)('$name', (route) => {
  it.each(POST_KINDS)('$kind', async ({ build }) => {
    await expectAllSafe(f(), build(route));
  });

  it('JSON of every wrong shape', async () => {
    const shapes: [string, string][] = [
      ['null', 'null'],
      ['a number', '42'],
      ['a string', '"alice@example.com"'],
      ['an array', '["alice@example.com"]'],
      ['email as a number', '{"email": 1e400}'],
      ['email as an object', '{"email": {"toString": "alice@example.com"}}'],
      ['email as null', '{"email": null}'],
      ['email as true', '{"email": true}'],
      ['email with a lone surrogate escape', '{"email": "\\ud800@example.com"}'],
      ['email with an escaped NUL', '{"email": "alice@example.com\\u0000"}'],
      ['email with escaped CRLF Bcc', '{"email": "alice@example.com\\r\\nBcc: x@y.com"}'],
      ['email of 200 KB', JSON.stringify({ email: huge(200 * KB) })],
      ['category as a number', '{"email": "alice@example.com", "category": 7}'],
      ['category as an array', '{"email": "alice@example.com", "category": ["newsletter"]}'],
      ['category exempt', '{"email": "alice@example.com", "category": "account"}'],
      ['category of 101 characters', JSON.stringify({ email: 'alice@example.com', category: huge(101) })],
      ...INJECTIONS.map(([name, value]): [string, string] => [`category: ${name}`, JSON.stringify({ email: 'alice@example.com', category: value })]),
      ...INJECTIONS.map(([name, value]): [string, string] => [`email: ${name}`, JSON.stringify({ email: value })]),
      ['arrays nested 100,000 deep', `${'['.repeat(100_000)}${']'.repeat(100_000)}`],
      ['objects nested 50,000 deep', `${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`],
      ['a number with 100,000 digits', `{"email": "alice@example.com", "n": ${'9'.repeat(100_000)}}`],
      ['a BOM before the JSON', `\uFEFF${JSON.stringify({ email: 'alice@example.com' })}`],
      ['trailing garbage after the JSON', `${JSON.stringify({ email: 'alice@example.com' })} garbage`],
      ['two JSON documents', `${JSON.stringify({ email: 'alice@example.com' })}${JSON.stringify({ email: 'bob@example.com' })}`],
      ['single-quoted JSON', "{'email': 'alice@example.com'}"],
      ['JSON with comments', '{"email": /* hi */ "alice@example.com"}'],
      ['NaN and Infinity', '{"email": NaN, "x": Infinity}'],
    ];
    await expectAllSafe(
      f(),
      shapes.map(([name, body]): HostileRequest => ({
        name,
        method: 'POST',
        path: route.path,
        body,
        headers: { ...AUTH, ...JSON_TYPE },
        mayChange: route.anyBodyChanges,
      })),
    );
  });
});

describe.each(READ_ROUTES)('$name', (route) => {
  it.each(readKindsFor(route))('$kind', async ({ build }) => {
    await expectAllSafe(f(), build(route));
  });
});

describe('stored markup', () => {
  // Eve signed up with a script as her user agent and confirmed with an img tag: the evidence must
  // come back exactly as recorded, and escaped.
  it('comes back from the API escaped', async () => {
    await expectAllSafe(f(), [
      { name: 'her events', path: '/api/v1/sites/demo/contacts/{eveId}/events', headers: AUTH, status: 200 },
      { name: 'her lookup', method: 'POST', path: '/api/v1/sites/demo/contacts/lookup', headers: { ...AUTH, ...JSON_TYPE }, body: '{"email":"eve@example.com"}', status: 200 },
      { name: 'her links', method: 'POST', path: '/api/v1/sites/demo/contacts/links', headers: { ...AUTH, ...JSON_TYPE }, body: '{"email":"eve@example.com"}', status: 200 },
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Keys: everything but the exact key is a 401 that changes nothing.

const BAD_KEYS: readonly [name: string, headers: Record<string, string>][] = [
  ['no Authorization header', {}],
  ['an empty Authorization header', { Authorization: '' }],
  ['"Bearer" alone', { Authorization: 'Bearer' }],
  ['"Bearer " and spaces', { Authorization: 'Bearer    ' }],
  ['a wrong key', { Authorization: 'Bearer wrong-key-0000000000' }],
  ['the key minus its last character', { Authorization: `Bearer ${ADMIN_KEY.slice(0, -1)}` }],
  ['the key plus a character', { Authorization: `Bearer ${ADMIN_KEY}x` }],
  ['the key twice', { Authorization: `Bearer ${ADMIN_KEY}${ADMIN_KEY}` }],
  ['the key in upper case', { Authorization: `Bearer ${ADMIN_KEY.toUpperCase()}` }],
  ['the key without a scheme', { Authorization: ADMIN_KEY }],
  ['the key as Basic', { Authorization: `Basic ${Buffer.from(`admin:${ADMIN_KEY}`).toString('base64')}` }],
  ['the key as a Token scheme', { Authorization: `Token ${ADMIN_KEY}` }],
  ['the key in another header', { 'X-Api-Key': ADMIN_KEY }],
  ['the key in a cookie', { Cookie: `Authorization=Bearer ${ADMIN_KEY}` }],
  ['two Bearer values', { Authorization: `Bearer wrong, Bearer ${ADMIN_KEY}` }],
  ['a 50 KB key', { Authorization: `Bearer ${huge(50 * KB)}` }],
  ['a script as the key', { Authorization: `Bearer ${XSS_SCRIPT}` }],
  ['an img tag as the key', { Authorization: `Bearer ${XSS_IMG}` }],
  ['SQL as the key', { Authorization: "Bearer ' OR 1=1 --" }],
  ['Latin-1 bytes as the key', { Authorization: 'Bearer \u00ff\u00fe\u00e9' }],
  ['a tab inside the key', { Authorization: `Bearer ${ADMIN_KEY.slice(0, 5)}\t${ADMIN_KEY.slice(5)}` }],
];

const ALL_ROUTES: readonly { name: string; method: string; path: string; body?: string }[] = [
  { name: 'lookup', method: 'POST', path: '/api/v1/sites/demo/contacts/lookup', body: JSON.stringify({ email: 'alice@example.com' }) },
  { name: 'events', method: 'GET', path: '/api/v1/sites/demo/contacts/{id}/events' },
  { name: 'links', method: 'POST', path: '/api/v1/sites/demo/contacts/links', body: JSON.stringify({ email: 'alice@example.com' }) },
  { name: 'revoke-links', method: 'POST', path: '/api/v1/sites/demo/contacts/{id}/revoke-links', body: '{}' },
  { name: 'an unknown API route', method: 'POST', path: '/api/v1/sites/demo/contacts/{id}/erase', body: '{}' },
];

describe('API keys', () => {
  it.each(ALL_ROUTES)('$name answers 401 to every key but the right one', async (route) => {
    await expectAllSafe(
      f(),
      BAD_KEYS.map(([name, headers]) => ({ name, method: route.method, path: route.path, body: route.body, headers: { ...JSON_TYPE, ...headers }, status: 401 })),
    );
  });

  it.each(ALL_ROUTES)('$name accepts the right key however the scheme is spelled', async (route) => {
    const spellings = [`Bearer ${ADMIN_KEY}`, `bearer ${ADMIN_KEY}`, `BEARER   ${ADMIN_KEY}   `, `Bearer\t${ADMIN_KEY}`];
    await expectAllSafe(
      f(),
      spellings.map((authorization) => ({
        name: JSON.stringify(authorization),
        method: route.method,
        path: route.path,
        body: route.body,
        headers: { ...JSON_TYPE, Authorization: authorization },
        mayChange: route.name === 'revoke-links',
        status: route.name === 'an unknown API route' ? 404 : 200,
      })),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Paths under /api that match no route: a JSON 404 (401 without the key), never an echo of a
// script the path carried.

describe('unknown API paths', () => {
  it.each([
    ['with the key', AUTH],
    ['without a key', {}],
  ])('are refused %s', async (_name, headers) => {
    const segments: [string, string][] = [
      ...INJECTIONS.map(([name, value]): [string, string] => [`${name} (encoded)`, encodeURIComponent(value)]),
      ...INJECTIONS.map(([name, value]): [string, string] => [`${name} (raw)`, value.replace(/[#?]/g, '')]),
      ['a 100 KB segment', huge(100 * KB)],
      ['%FF', '%FF'],
      ['%ED%A0%80', '%ED%A0%80'],
      ['%00', '%00'],
    ];
    const requests = segments.flatMap(([name, segment]): HostileRequest[] => [
      { name: `/api/v1/${name}`, method: 'GET', path: `/api/v1/${segment}`, headers, status: [401, 404] },
      { name: `/api/v2/${name}`, method: 'POST', path: `/api/v2/${segment}`, headers: { ...headers, ...JSON_TYPE }, body: '{}', status: [401, 404] },
      { name: `/api/v1/sites/demo/contacts/{id}/${name}`, method: 'DELETE', path: `/api/v1/sites/demo/contacts/{id}/${segment}`, headers, status: [401, 404] },
    ]);
    await expectAllSafe(f(), requests);
  });
});
