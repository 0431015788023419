// Hostile input against the links in emails: confirmation (/c/{token}, its resend) and
// unsubscribe (/u/{token}, its undo, and the RFC 8058 one-click POST), with real links from the
// fixture's emails, and forged, broken and misdirected links against every link route.
import { describe, it } from 'vitest';
import { BAD_ESCAPES, BOUNDARY, FORM, MULTIPART, POST_KINDS, XSS_SCRIPT, readKindsFor, bytes, huge, KB, multipart, type PostRoute, type ReadKindName, type ReadRoute } from './corpus.ts';
import { expectAllSafe, useFixture, type HostileRequest } from './harness.ts';

const f = useFixture();

const POST_ROUTES: readonly PostRoute[] = [
  { name: 'POST /c/{token}', path: '/c/{confirm}', slot: '/c/{x}', fields: { confirm: '1' }, anyBodyChanges: true, bodyIgnored: true },
  // Pressing again writes nothing, whatever the request looks like.
  { name: 'POST /c/{token} (already used)', path: '/c/{spent}', slot: '/c/{x}', fields: { confirm: '1' }, bodyIgnored: true },
  { name: 'POST /c/{token}/resend (open link)', path: '/c/{confirm}/resend', slot: '/c/{x}/resend', fields: { resend: '1' }, anyBodyChanges: true, bodyIgnored: true },
  { name: 'POST /c/{token}/resend (expired link)', path: '/c/{expired}/resend', slot: '/c/{x}/resend', fields: { resend: '1' }, anyBodyChanges: true, bodyIgnored: true },
  { name: 'POST /u/{token}', path: '/u/{unsubscribe}', slot: '/u/{x}', fields: { unsubscribe: 'page' }, anyBodyChanges: true },
  {
    name: 'POST /u/{token}/undo',
    path: '/u/{daveUnsubscribe}/undo',
    slot: '/u/{x}/undo',
    fields: { undo: '{undoToken}' },
    validChanges: true,
    changingFields: ['undo'],
  },
];

/** HEAD answers as GET without a body: the kinds that could make it hang or fail. */
const HEAD_KINDS: readonly ReadKindName[] = ['wrong methods', 'oversized and absurd lengths', 'invalid UTF-8 in path and query'];
/** Another link state of a route covered above: what reaches its own page (query, headers). */
const VARIANT_KINDS: readonly ReadKindName[] = ['script and SQL fragments', 'unicode edge cases'];

const READ_ROUTES: readonly ReadRoute[] = [
  { name: 'GET /c/{token}', method: 'GET', path: '/c/{confirm}', slot: '/c/{x}' },
  { name: 'HEAD /c/{token}', method: 'HEAD', path: '/c/{confirm}', slot: '/c/{x}', kinds: HEAD_KINDS },
  { name: 'GET /c/{token} (expired link)', method: 'GET', path: '/c/{expired}', slot: '/c/{x}', kinds: VARIANT_KINDS },
  { name: 'GET /c/{token} (already used)', method: 'GET', path: '/c/{spent}', slot: '/c/{x}', kinds: VARIANT_KINDS },
  { name: 'GET /u/{token}', method: 'GET', path: '/u/{unsubscribe}', slot: '/u/{x}' },
  { name: 'HEAD /u/{token}', method: 'HEAD', path: '/u/{unsubscribe}', slot: '/u/{x}', kinds: HEAD_KINDS },
  { name: 'GET /u/{token} (scoped to one category)', method: 'GET', path: '/u/{scoped}', slot: '/u/{x}', kinds: VARIANT_KINDS },
];

describe.each(POST_ROUTES)('$name', (route) => {
  it.each(POST_KINDS)('$kind', async ({ build }) => {
    await expectAllSafe(f(), build(route));
  });
});

describe.each(READ_ROUTES)('$name', (route) => {
  it.each(readKindsFor(route))('$kind', async ({ build }) => {
    await expectAllSafe(f(), build(route));
  });
});

// ---------------------------------------------------------------------------------------------
// Links that are not what they claim: every link route refuses them with its 400 page.

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Forged, broken and misdirected tokens; {placeholders} come from the fixture. */
const BAD_TOKENS: readonly [name: string, token: string][] = [
  ['a single hyphen', '-'],
  ['an underscore', '_'],
  ['three empty parts and a fourth', '...'],
  ['a.b.c', 'a.b.c'],
  ['just "eyJ"', 'eyJ'],
  ['not base64url at all', '!!!.@@@.###'],
  ['a header that is a JSON string', `${b64('x')}.e30.x`],
  ['a header that is null', `${b64(null)}.e30.x`],
  ['a header that is an array', `${b64([{ alg: 'HS256', kid: 'k1' }])}.e30.x`],
  ['a kid that is an object', `${b64({ alg: 'HS256', kid: { toString: 1 } })}.e30.x`],
  ['a kid named __proto__', `${b64({ alg: 'HS256', kid: '__proto__' })}.e30.x`],
  ['a kid named constructor', `${b64({ alg: 'HS256', kid: 'constructor' })}.e30.x`],
  ['a payload that is not JSON', `${b64({ alg: 'HS256', kid: 'k1' })}.${Buffer.from('not json').toString('base64url')}.x`],
  ['a valid token with a fourth part', '{manage}.extra'],
  ['a valid token with its signature cut short', '{cutSignature}'],
  ['a tampered payload', '{tampered}'],
  ['alg "none"', '{noneAlg}'],
  ['an unknown kid', '{unknownKid}'],
  ['a kid that is a script tag', '{scriptKid}'],
  ['an 80 KB header', '{hugeHeader}'],
  ['a token for an unknown site', '{otherSite}'],
  ['a revoked token (old epoch)', '{staleEpoch}'],
  ['a token for no contact (SQL as the subject)', '{noContact}'],
  ['an unsubscribe link scoped to an exempt category', '{exemptScope}'],
  ['an unsubscribe link scoped to a script tag', '{scriptScope}'],
  ['an expired manage link', '{expiredManage}'],
  ['a confirm link without a jti', '{noJti}'],
  ["a confirm link with another contact's confirmation", '{foreignJti}'],
  ['a 100 KB token of "a"', huge(100 * KB)],
  ['a token of NUL bytes', '%00%00.%00.%00'],
  ['invalid UTF-8 in the token', `{manage}${BAD_ESCAPES[1]![1]}`],
];

/** What each link route is for, and the valid tokens made for the others. */
const LINK_ROUTES: readonly { name: string; method: string; path: (token: string) => string; body?: string; wrongPurpose: string[] }[] = [
  { name: 'GET /c/{token}', method: 'GET', path: (x) => `/c/${x}`, wrongPurpose: ['{manage}', '{unsubscribe}'] },
  { name: 'HEAD /c/{token}', method: 'HEAD', path: (x) => `/c/${x}`, wrongPurpose: ['{manage}'] },
  { name: 'POST /c/{token}', method: 'POST', path: (x) => `/c/${x}`, wrongPurpose: ['{manage}', '{unsubscribe}'] },
  { name: 'POST /c/{token}/resend', method: 'POST', path: (x) => `/c/${x}/resend`, wrongPurpose: ['{manage}', '{unsubscribe}'] },
  { name: 'GET /u/{token}', method: 'GET', path: (x) => `/u/${x}`, wrongPurpose: ['{manage}', '{confirm}'] },
  { name: 'HEAD /u/{token}', method: 'HEAD', path: (x) => `/u/${x}`, wrongPurpose: ['{confirm}'] },
  { name: 'POST /u/{token}', method: 'POST', path: (x) => `/u/${x}`, body: 'unsubscribe=page', wrongPurpose: ['{manage}', '{confirm}'] },
  { name: 'POST /u/{token} (one-click)', method: 'POST', path: (x) => `/u/${x}`, body: 'List-Unsubscribe=One-Click', wrongPurpose: ['{manage}', '{confirm}'] },
  { name: 'POST /u/{token}/undo', method: 'POST', path: (x) => `/u/${x}/undo`, body: 'undo={undoToken}', wrongPurpose: ['{manage}', '{confirm}'] },
  { name: 'GET /p/{token}', method: 'GET', path: (x) => `/p/${x}`, wrongPurpose: ['{unsubscribe}', '{confirm}'] },
  { name: 'POST /p/{token}', method: 'POST', path: (x) => `/p/${x}`, body: 'consent={pageConsent}&shown=newsletter', wrongPurpose: ['{unsubscribe}', '{confirm}'] },
  { name: 'POST /p/{token}/categories/{key}', method: 'POST', path: (x) => `/p/${x}/categories/newsletter`, body: 'consent={pageConsent}', wrongPurpose: ['{unsubscribe}'] },
  { name: 'POST /p/{token}/unsubscribe-all', method: 'POST', path: (x) => `/p/${x}/unsubscribe-all`, wrongPurpose: ['{unsubscribe}', '{confirm}'] },
  { name: 'POST /p/{token}/language', method: 'POST', path: (x) => `/p/${x}/language`, body: 'lang=ja', wrongPurpose: ['{unsubscribe}'] },
  { name: 'GET /p/{token}/delete', method: 'GET', path: (x) => `/p/${x}/delete`, wrongPurpose: ['{unsubscribe}', '{confirm}'] },
  { name: 'POST /p/{token}/delete', method: 'POST', path: (x) => `/p/${x}/delete`, wrongPurpose: ['{unsubscribe}', '{confirm}'] },
];

describe('links that are forged, broken or made for another route', () => {
  it.each(LINK_ROUTES)('$name answers 400 and changes nothing', async (route) => {
    const tokens: [string, string][] = [...BAD_TOKENS, ...route.wrongPurpose.map((token): [string, string] => [`a valid ${token} link`, token])];
    await expectAllSafe(
      f(),
      tokens.map(([name, token]) => ({
        name,
        method: route.method,
        path: route.path(token.startsWith('{') || token.startsWith('%') ? token : encodeURIComponent(token)),
        body: route.body,
        headers: route.body ? FORM : undefined,
        status: [400, 404],
      })),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// The RFC 8058 one-click POST needs no Origin, so its body is read before the CSRF check: the
// body decides whether the request is let through at all.

const ONE_CLICK: readonly HostileRequest[] = [
  { name: 'the one-click body as multipart', body: multipart({ 'List-Unsubscribe': 'One-Click' }), headers: MULTIPART, mayChange: true, status: 200 },
  { name: 'the one-click body twice', body: 'List-Unsubscribe=One-Click&List-Unsubscribe=One-Click', headers: FORM, mayChange: true },
  { name: 'the one-click body with invalid UTF-8 after it', body: bytes('List-Unsubscribe=One-Click&x=', [0xff, 0xc3, 0x28]), headers: FORM, mayChange: true, status: 200 },
  { name: 'the one-click body with a script field after it', body: `List-Unsubscribe=One-Click&x=${encodeURIComponent(XSS_SCRIPT)}`, headers: FORM, mayChange: true, status: 200 },
  { name: 'one-click in lower case', body: 'list-unsubscribe=one-click', headers: FORM, status: 403 },
  { name: 'One-Click with a trailing NUL', body: 'List-Unsubscribe=One-Click%00', headers: FORM, status: 403 },
  { name: 'one-click as JSON', body: '{"List-Unsubscribe":"One-Click"}', headers: { 'Content-Type': 'application/json' }, status: 403 },
  { name: 'one-click as text/plain', body: 'List-Unsubscribe=One-Click', headers: { 'Content-Type': 'text/plain' }, status: 403 },
  { name: 'one-click as a multipart file', body: `--${BOUNDARY}\r\nContent-Disposition: form-data; name="List-Unsubscribe"; filename="x"\r\n\r\nOne-Click\r\n--${BOUNDARY}--\r\n`, headers: MULTIPART, status: 403 },
  { name: 'half a multipart one-click body', body: multipart({ 'List-Unsubscribe': 'One-Click' }).slice(0, 60), headers: MULTIPART, status: 403 },
  { name: 'multipart one-click without a boundary', body: multipart({ 'List-Unsubscribe': 'One-Click' }), headers: { 'Content-Type': 'multipart/form-data' }, status: 403 },
  { name: 'one-click padded to 200 KB', body: `List-Unsubscribe=One-Click&pad=${huge(200 * KB)}`, headers: FORM, status: 413 },
  { name: 'the undo route with a one-click body', path: '/u/{daveUnsubscribe}/undo', body: 'List-Unsubscribe=One-Click&undo={undoToken}', headers: FORM, status: 403 },
  { name: 'one-click to a forged link', path: '/u/{tampered}', body: 'List-Unsubscribe=One-Click', headers: FORM, status: 400 },
  { name: 'one-click to a 100 KB token', path: `/u/${huge(100 * KB)}`, body: 'List-Unsubscribe=One-Click', headers: FORM, status: 400 },
].map((request) => ({ method: 'POST', path: '/u/{unsubscribe}', ...request, headers: { ...request.headers, Origin: 'none' } }));

describe('POST /u/{token} with no Origin (mailbox providers)', () => {
  it('lets only a readable one-click body through', async () => {
    await expectAllSafe(f(), ONE_CLICK);
  });
});
