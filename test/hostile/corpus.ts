// The hostile-input corpus: payloads, and the generators that turn a route's description into
// malformed requests of every kind. To extend it, add a payload to a list below (every route
// picks it up) or a route to the tables in the test files.
import type { HostileRequest } from './harness.ts';

// ---------------------------------------------------------------------------------------------
// Payloads

export const XSS_SCRIPT = '<script>alert("xss-marker")</script>';
export const XSS_IMG = '"><img src=x onerror=alert(1)>';

/** Script and SQL fragments, as they would be typed into a field. */
export const INJECTIONS: readonly [name: string, value: string][] = [
  ['a script tag', XSS_SCRIPT],
  ['an attribute breakout with an onerror image', XSS_IMG],
  ['a single-quote breakout with an svg', `'><svg onload=alert(2)>`],
  ['a javascript: URL', 'javascript:alert(3)'],
  ['SQL OR 1=1', "' OR 1=1 --"],
  ['SQL DROP TABLE', "'); DROP TABLE contacts; --"],
  ['a SQL LIKE wildcard', '%'],
  ['a JSON fragment', '{"$ne": null}'],
  ['a template expression', '{{7*7}}${7*7}<%= 7*7 %>'],
];

/** Names a careless object lookup would find on every object. */
export const PROTOTYPE_KEYS: readonly [name: string, value: string][] = [
  ['__proto__', '__proto__'],
  ['constructor', 'constructor'],
  ['toString', 'toString'],
];

/** NUL and control characters, alone and inside otherwise good values. */
export const CONTROLS: readonly [name: string, value: string][] = [
  ['a NUL byte', 'a\u0000b'],
  ['a trailing NUL', 'alice@example.com\u0000'],
  ['an escape sequence', '\u001b[31mred\u001b[0m'],
  ['a backspace and bell', 'a\u0008\u0007b'],
  ['DEL', 'a\u007fb'],
  ['NEL (U+0085)', 'a\u0085b'],
  ['a line separator (U+2028)', 'a\u2028b'],
  ['a vertical tab and form feed', 'a\u000b\u000cb'],
];

/** Header injection, as typed into an address or a name. */
export const HEADER_INJECTIONS: readonly [name: string, value: string][] = [
  ['CRLF Bcc', 'a@example.com\r\nBcc: x@y.com'],
  ['LF Bcc', 'a@example.com\nBcc: x@y.com'],
  ['CR Bcc', 'a@example.com\rBcc: x@y.com'],
  ['CRLF CRLF body', 'a@example.com\r\n\r\n<h1>injected body</h1>'],
  ['a comma-separated second recipient', 'a@example.com, x@y.com'],
  ['a display name with a second address', 'Eve <a@example.com>, x@y.com'],
];

/** Unicode edge cases that are valid text. */
export const UNICODE: readonly [name: string, value: string][] = [
  ['an RTL override', 'Ali\u202Eecila\u202C'],
  ['bidi isolates', '\u2067مرحبا\u2069 Bob'],
  ['emoji with a skin tone', 'Dana 👍🏽'],
  ['a ZWJ family emoji', '👨‍👩‍👧‍👦 Family'],
  ['a flag', '🇯🇵 Hana'],
  ['combining characters (NFD)', 'Rene\u0301e Cafe\u0301'],
  ['stacked combining marks', 'Z̷̢̛͓̪͂a̸̧̛͓l̵̨̛͓g̶̢̛͓ơ̷̢͓'],
  ['CJK', '山田 太郎'],
  ['Arabic', 'محمد علي'],
  ['Devanagari', 'नमस्ते दुनिया'],
  ['a zero-width space and joiner', 'Zero\u200BWidth\u200DJoin'],
  ['a BOM inside', 'A\uFEFFB'],
  ['astral mathematical letters', '𝕬𝖑𝖎𝖈𝖊'],
  ['a variation selector', 'I ❤️ mail'],
  ['full-width letters', 'Ａｌｉｃｅ'],
  ['a noncharacter', 'a\uFFFEb\uFFFFc'],
];

/** The unicode cases every field and path segment gets (names get all of UNICODE). */
export const CORE_UNICODE = UNICODE.filter(([name]) =>
  ['an RTL override', 'bidi isolates', 'a ZWJ family emoji', 'combining characters (NFD)', 'stacked combining marks', 'a zero-width space and joiner', 'astral mathematical letters', 'a noncharacter'].includes(name),
);

/** Invalid UTF-8 as raw bytes. */
export const BAD_BYTES: readonly [name: string, bytes: number[]][] = [
  ['0xC3 0x28 (bad continuation)', [0xc3, 0x28]],
  ['0xFF', [0xff]],
  ['0xFE 0xFF', [0xfe, 0xff]],
  ['an overlong "/" (0xC0 0xAF)', [0xc0, 0xaf]],
  ['an overlong NUL (0xC0 0x80)', [0xc0, 0x80]],
  ['a three-byte overlong "/" (0xE0 0x80 0xAF)', [0xe0, 0x80, 0xaf]],
  ['a lone surrogate (0xED 0xA0 0x80)', [0xed, 0xa0, 0x80]],
  ['a code point past U+10FFFF (0xF4 0x90 0x80 0x80)', [0xf4, 0x90, 0x80, 0x80]],
  ['a truncated sequence (0xE2 0x82)', [0xe2, 0x82]],
  ['a lone continuation byte (0x80)', [0x80]],
];

/** Invalid UTF-8 and broken escapes, percent-encoded (for paths and query strings; CORE_ESCAPES in form fields). */
export const BAD_ESCAPES: readonly [name: string, text: string][] = [
  ['%C3%28', '%C3%28'],
  ['%FF', '%FF'],
  ['an overlong %C0%AF', '%C0%AF'],
  ['an overlong %C0%80 NUL', '%C0%80'],
  ['a lone surrogate %ED%A0%80', '%ED%A0%80'],
  ['a surrogate pair as CESU-8', '%ED%A0%BD%ED%B8%80'],
  ['%F4%90%80%80 past U+10FFFF', '%F4%90%80%80'],
  ['a truncated %E2%82', '%E2%82'],
  ['a bare %', '%'],
  ['a broken %ZZ escape', '%ZZ'],
  ['a half escape %4', '%4'],
  ['an encoded NUL %00', '%00'],
  ['an encoded CRLF', '%0D%0ASet-Cookie:%20x=1'],
  ['a double-encoded slash', '%252F..%252F'],
  ['an encoded slash and dots', '..%2F..%2Fetc%2Fpasswd'],
];

/** The escapes every form field gets (the full list goes into paths and query strings). */
export const CORE_ESCAPES = BAD_ESCAPES.filter(([, text]) => ['%C3%28', '%FF', '%C0%AF', '%ED%A0%80', '%', '%00', '%0D%0ASet-Cookie:%20x=1'].includes(text));

export const KB = 1024;
export const huge = (size: number, char = 'a') => char.repeat(size);

// ---------------------------------------------------------------------------------------------
// Encoders

const encoder = new TextEncoder();

/** Text and raw byte runs, concatenated. */
export function bytes(...parts: (string | number[])[]): Uint8Array<ArrayBuffer> {
  const chunks = parts.map((part) => (typeof part === 'string' ? encoder.encode(part) : Uint8Array.from(part)));
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

export type Fields = Record<string, string | readonly string[]>;

/** application/x-www-form-urlencoded text. */
export function urlencoded(fields: Fields): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) for (const v of [value].flat()) params.append(key, v);
  return params.toString();
}

export const BOUNDARY = '----hostile7MA4YWxkTrZu0gW';

/** A multipart/form-data body with our fixed boundary. */
export function multipart(fields: Fields, boundary = BOUNDARY): string {
  let out = '';
  for (const [key, value] of Object.entries(fields)) {
    for (const v of [value].flat()) out += `--${boundary}\r\nContent-Disposition: form-data; name="${key}"\r\n\r\n${v}\r\n`;
  }
  return `${out}--${boundary}--\r\n`;
}

/** A body stream that delivers half of `text`, then fails, as when the client goes away. */
export function breakingBody(text: string): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(encoder.encode(text.slice(0, Math.ceil(text.length / 2))));
      controller.error(new Error('the client went away'));
    },
  });
}

export const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };
export const JSON_TYPE = { 'Content-Type': 'application/json' };
export const MULTIPART = { 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}` };

// ---------------------------------------------------------------------------------------------
// Routes that take a body (POST), and the generators

export interface PostRoute {
  /** As in the README: "POST /p/{token}". */
  name: string;
  /** The real path, with fixture placeholders. */
  path: string;
  /** The same path with `{x}` where a hostile path segment goes (site, token, key, id). */
  slot: string;
  /** A valid submission (fixture placeholders allowed in values). */
  fields: Fields;
  /** A valid submission changes state. */
  validChanges?: boolean;
  /** Any POST that reaches the route changes state, whatever its body says: the link is the request. */
  anyBodyChanges?: boolean;
  /** The route never reads its body: hostile values in its fields are not worth sending one by one. */
  bodyIgnored?: boolean;
  /** Fields whose hostile value still makes a submission that may change state (the name, say). */
  changingFields?: readonly string[];
  /** Extra headers on every request (the API key). */
  headers?: Record<string, string>;
  /** The route reads JSON, not a form. */
  json?: boolean;
}

/** May a request that is still a valid submission change state here? */
const validMay = (route: PostRoute) => Boolean(route.anyBodyChanges || route.validChanges);
/** May a request whose body is unreadable or not a submission change state here? */
const brokenMay = (route: PostRoute) => Boolean(route.anyBodyChanges);
const fieldMay = (route: PostRoute, field: string) => Boolean(route.anyBodyChanges || route.changingFields?.includes(field));

function post(route: PostRoute, name: string, body: HostileRequest['body'], headers: Record<string, string>, extra: Partial<HostileRequest> = {}): HostileRequest {
  return { name, method: 'POST', path: route.path, body, headers: { ...route.headers, ...headers }, mayChange: brokenMay(route), ...extra };
}

/** The route's own encoding of a set of fields. */
function encode(route: PostRoute, fields: Fields): { body: string; headers: Record<string, string> } {
  if (route.json) {
    const object = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, typeof v === 'string' ? v : [...v]]));
    return { body: JSON.stringify(object), headers: JSON_TYPE };
  }
  return { body: urlencoded(fields), headers: FORM };
}

/** The valid submission, with something else about the request made hostile. */
function validWith(route: PostRoute, name: string, extra: Partial<HostileRequest> = {}): HostileRequest {
  const { body, headers } = encode(route, route.fields);
  return { ...post(route, name, body, headers, { mayChange: validMay(route) }), ...extra, headers: { ...route.headers, ...headers, ...extra.headers } };
}

/** A hostile value in one field of an otherwise valid submission. */
function withField(route: PostRoute, field: string, name: string, value: string): HostileRequest {
  const { body, headers } = encode(route, { ...route.fields, [field]: value });
  return post(route, `${field} = ${name}`, body, headers, { mayChange: fieldMay(route, field) });
}

/** Raw bytes spliced into one field of the urlencoded or JSON text. */
function withRawField(route: PostRoute, field: string, name: string, raw: number[]): HostileRequest {
  const marker = 'RAWBYTESHERE';
  const { body, headers } = encode(route, { ...route.fields, [field]: `x${marker}y` });
  const [head, tail] = body.split(marker) as [string, string];
  return post(route, `${field} = raw bytes ${name}`, bytes(head, raw, tail), headers, { mayChange: fieldMay(route, field) });
}

/** The valid submission at another path (a hostile site, token, key or id): nothing to change. */
function atSegment(route: PostRoute, name: string, segment: string): HostileRequest {
  return validWith(route, `path segment: ${name}`, { path: route.slot.replace('{x}', segment), mayChange: false });
}

const fieldNames = (route: PostRoute) => Object.keys(route.fields);
/** The fields to make hostile one at a time: none when the route never reads them. */
const hostileFields = (route: PostRoute) => (route.bodyIgnored ? [] : fieldNames(route));
const first = <T>(value: T | readonly T[]): T => (Array.isArray(value) ? (value as T[])[0]! : (value as T));

export interface PostKind {
  /** Readable: "wrong content types". */
  kind: string;
  build(route: PostRoute): HostileRequest[];
}

export const POST_KINDS: readonly PostKind[] = [
  {
    kind: 'wrong methods',
    build: (route) => ['PUT', 'DELETE', 'PATCH', 'OPTIONS'].map((method) => ({ ...validWith(route, method), method, mayChange: false })),
  },
  {
    kind: 'wrong content types',
    build: (route) => {
      const form = urlencoded(route.fields);
      const json = encode({ ...route, json: true }, route.fields).body;
      // The route's own type is a valid submission; every other one is not.
      const as = (name: string, body: HostileRequest['body'], type: Record<string, string>, isOwn = false) =>
        post(route, name, body, type, { mayChange: isOwn ? validMay(route) : brokenMay(route) });
      return [
        as('JSON', json, JSON_TYPE, route.json),
        as('a urlencoded form', form, FORM, !route.json),
        as('multipart form data', multipart(route.fields), MULTIPART, !route.json),
        as('text/plain', route.json ? json : form, { 'Content-Type': 'text/plain' }, route.json),
        as('application/xml', `<?xml version="1.0"?><form><email>${XSS_SCRIPT}</email></form>`, { 'Content-Type': 'application/xml' }),
        as('no content type (bytes)', bytes(route.json ? json : form), {}, route.json),
        as('multipart without a boundary', multipart(route.fields), { 'Content-Type': 'multipart/form-data' }),
        as('multipart with an empty boundary', multipart(route.fields), { 'Content-Type': 'multipart/form-data; boundary=' }),
        as('multipart with the wrong boundary', multipart(route.fields), { 'Content-Type': 'multipart/form-data; boundary=other' }),
        // RFC 2046 caps boundaries at 70 characters; a parser may accept a longer one.
        as('multipart with a 200-character boundary', multipart(route.fields, 'b'.repeat(200)), { 'Content-Type': `multipart/form-data; boundary=${'b'.repeat(200)}` }, !route.json),
        as('a form declared UTF-16', form, { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-16' }, !route.json),
        as('a garbage content type', form, { 'Content-Type': ';;;/=="' }),
        as('a content type with a script', form, { 'Content-Type': `application/x-www-form-urlencoded; ${XSS_SCRIPT}` }, !route.json),
        as('application/octet-stream', bytes([0, 1, 2, 0xff, 0xfe]), { 'Content-Type': 'application/octet-stream' }),
        as('an empty body', '', route.json ? JSON_TYPE : FORM),
        as('no body at all', undefined, route.json ? JSON_TYPE : FORM),
      ];
    },
  },
  {
    kind: 'truncated bodies',
    build: (route) => {
      const full = multipart(route.fields);
      const json = encode({ ...route, json: true }, route.fields).body;
      const form = urlencoded(route.fields);
      return [
        post(route, 'half a multipart body', full.slice(0, Math.floor(full.length / 2)), MULTIPART),
        post(route, 'multipart without its closing boundary', full.slice(0, full.lastIndexOf(`--${BOUNDARY}--`)), MULTIPART),
        post(route, 'multipart cut inside the part headers', `--${BOUNDARY}\r\nContent-Disposition: form-da`, MULTIPART),
        post(route, 'multipart with a part but no headers', `--${BOUNDARY}\r\n\r\nvalue\r\n--${BOUNDARY}--\r\n`, MULTIPART),
        post(route, 'a JSON prefix', json.slice(0, Math.max(1, Math.floor(json.length / 2))), JSON_TYPE),
        post(route, 'a lone {', '{', JSON_TYPE),
        post(route, 'a JSON string cut inside an escape', '{"email":"a\\u00', JSON_TYPE),
        post(route, 'half a form, cut inside an escape', `${form.slice(0, Math.floor(form.length / 2))}&email=a%4`, FORM),
        post(route, 'a form of one "="', '=', FORM),
        post(route, 'a form of separators', '&&&==&=&', FORM),
        // A client that disconnects mid-upload: the body stream errors.
        post(route, 'a chunked body that breaks off (client gone)', () => breakingBody(form), route.json ? JSON_TYPE : FORM),
        post(route, 'a body that breaks off before its Content-Length', () => breakingBody(form), {
          ...(route.json ? JSON_TYPE : FORM),
          'Content-Length': String(form.length + 100),
        }),
      ];
    },
  },
  {
    kind: 'oversized bodies and absurd lengths',
    build: (route) => {
      const name = fieldNames(route)[0]!;
      const big = encode(route, { ...route.fields, [name]: huge(200 * KB) });
      // Browser forms stop at 32 KiB (413 page); the API at 1 MiB (JSON 413).
      const formLimit = route.json ? undefined : 413;
      return [
        post(route, `a 200 KB ${name}`, big.body, big.headers, { status: formLimit }),
        post(route, 'a 200 KB multipart part', multipart({ ...route.fields, [name]: huge(200 * KB) }), MULTIPART, { status: formLimit }),
        post(route, '10,000 repeated categories (220 KB)', urlencoded({ ...route.fields, categories: Array(10_000).fill('newsletter') }), FORM, { status: formLimit }),
        post(route, 'a 2 MB body', huge(2 * KB * KB), route.json ? JSON_TYPE : FORM, { status: 413 }),
        post(route, '10,000 repeated empty parameters (20 KB)', `${urlencoded(route.fields)}&${'x&'.repeat(10_000)}`, FORM, { mayChange: route.json ? brokenMay(route) : validMay(route) }),
        validWith(route, 'a 50 KB User-Agent', { headers: { 'User-Agent': huge(50 * KB, 'u') } }),
        validWith(route, 'a 50 KB Accept-Language', { headers: { 'Accept-Language': `${'x-'.repeat(25 * KB)}ja` } }),
        validWith(route, 'a 50 KB Cookie', { headers: { Cookie: `a=${huge(50 * KB)}` } }),
        validWith(route, 'a 50 KB Referer', { headers: { Referer: `https://assent.test/${huge(50 * KB)}` } }),
        validWith(route, 'a 50 KB Origin', { headers: { Origin: `https://${huge(50 * KB)}.test` } }),
        validWith(route, 'a 50 KB Content-Type parameter', { headers: { 'Content-Type': `${route.json ? 'application/json' : 'application/x-www-form-urlencoded'}; x=${huge(50 * KB)}` } }),
        validWith(route, 'a 100 KB query string', { path: `${route.path}?lang=${huge(100 * KB)}` }),
        validWith(route, '10,000 repeated query parameters', { path: `${route.path}?${'lang=xx&'.repeat(10_000)}` }),
        atSegment(route, '100 KB', huge(100 * KB)),
      ];
    },
  },
  {
    kind: 'invalid UTF-8',
    build: (route) => [
      ...hostileFields(route).flatMap((field) => BAD_BYTES.map(([name, raw]) => withRawField(route, field, name, raw))),
      ...(route.json
        ? []
        : hostileFields(route).flatMap((field) =>
            CORE_ESCAPES.map(([name, text]) => {
              const { body, headers } = encode(route, { ...route.fields, [field]: 'PERCENTHERE' });
              return post(route, `${field} = ${name} (percent-encoded)`, body.replace('PERCENTHERE', text), headers, { mayChange: fieldMay(route, field) });
            }),
          )),
      post(
        route,
        'a multipart part of raw invalid bytes',
        bytes(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${fieldNames(route)[0]}"\r\n\r\n`, [0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80], `\r\n--${BOUNDARY}--\r\n`),
        MULTIPART,
      ),
      post(route, 'a field name of raw invalid bytes', bytes([0xff, 0xc0, 0xaf], '=1&', route.json ? '' : urlencoded(route.fields)), route.json ? JSON_TYPE : FORM, {
        mayChange: route.json ? brokenMay(route) : validMay(route),
      }),
      ...BAD_ESCAPES.map(([name, text]) => atSegment(route, name, text)),
      ...CORE_ESCAPES.map(([name, text]) => validWith(route, `?lang=${name}`, { path: `${route.path}?lang=${text}` })),
    ],
  },
  {
    kind: 'repeated parameters',
    build: (route) => {
      if (route.json) {
        const [key, value] = Object.entries(route.fields)[0]!;
        const keys = (n: number) => `{${Array.from({ length: n }, (_, i) => `"k${i}":${i}`).join(',')},${JSON.stringify(key)}:${JSON.stringify(first(value))}}`;
        return [
          post(route, `${key} twice (garbage, then valid)`, `{"${key}":"garbage@example.com","${key}":${JSON.stringify(first(value))}}`, JSON_TYPE, { mayChange: validMay(route) }),
          post(route, `${key} twice (valid, then garbage)`, `{"${key}":${JSON.stringify(first(value))},"${key}":"${XSS_SCRIPT}"}`, JSON_TYPE),
          post(route, `${key} as an array of two`, JSON.stringify({ ...route.fields, [key]: [first(value), 'b@example.com'] }), JSON_TYPE),
          post(route, `${key} as an array of 1,000`, JSON.stringify({ ...route.fields, [key]: Array(1000).fill(first(value)) }), JSON_TYPE),
          post(route, '10,000 extra keys', keys(10_000), JSON_TYPE, { mayChange: validMay(route) }),
          post(route, 'categories 1,000 times', JSON.stringify({ ...route.fields, categories: Array(1000).fill('newsletter') }), JSON_TYPE, { mayChange: validMay(route) }),
          post(route, '__proto__ and constructor keys', `{"__proto__":{"${key}":"x@example.com","admin":true},"constructor":{"prototype":{"x":1}},${JSON.stringify(key)}:${JSON.stringify(first(value))}}`, JSON_TYPE, { mayChange: validMay(route) }),
          post(route, 'only a __proto__ key', `{"__proto__":${JSON.stringify(Object.fromEntries(Object.entries(route.fields)))}}`, JSON_TYPE),
          validWith(route, '?lang= three times', { path: `${route.path}?lang=ja&lang=en&lang=xx` }),
        ];
      }
      const twice = (field: string): Fields => ({ ...route.fields, [field]: [...[route.fields[field]!].flat(), 'second@example.com'] });
      const reversed = (field: string): Fields => ({ ...route.fields, [field]: ['first-garbage', ...[route.fields[field]!].flat()] });
      return [
        ...fieldNames(route).map((field) => post(route, `${field} twice (valid, then another)`, urlencoded(twice(field)), FORM, { mayChange: validMay(route) })),
        ...fieldNames(route).map((field) => post(route, `${field} twice (garbage, then valid)`, urlencoded(reversed(field)), FORM, { mayChange: fieldMay(route, field) || validMay(route) })),
        ...fieldNames(route).map((field) => post(route, `${field} twice in multipart`, multipart(twice(field)), MULTIPART, { mayChange: validMay(route) })),
        post(route, 'email twice', urlencoded({ ...route.fields, email: ['a@example.com', 'b@example.com'] }), FORM, { mayChange: validMay(route) }),
        post(route, 'lang three times', urlencoded({ ...route.fields, lang: ['ja', 'en', 'xx'] }), FORM, { mayChange: validMay(route) }),
        post(route, 'categories 1,000 times', urlencoded({ ...route.fields, categories: Array(1000).fill('newsletter') }), FORM, { mayChange: validMay(route) }),
        post(route, 'categories: 1,000 distinct unknown keys', urlencoded({ ...route.fields, categories: Array.from({ length: 1000 }, (_, i) => `k${i}`) }), FORM, { mayChange: validMay(route) }),
        validWith(route, '?lang= three times', { path: `${route.path}?lang=ja&lang=en&lang=xx` }),
        post(route, 'fields named __proto__, constructor, toString', `${urlencoded(route.fields)}&__proto__=x&constructor=y&toString=z&hasOwnProperty=1`, FORM, { mayChange: validMay(route) }),
        post(route, 'field names with brackets', `${urlencoded(route.fields)}&categories[]=offers&email[0]=x&name[__proto__]=y`, FORM, { mayChange: validMay(route) }),
      ];
    },
  },
  {
    kind: 'script and SQL fragments',
    build: (route) => [
      ...hostileFields(route).flatMap((field) => [...INJECTIONS, ...PROTOTYPE_KEYS].map(([name, value]) => withField(route, field, name, value))),
      // The first field's valid value with a fragment after it (an address that starts well).
      ...hostileFields(route).slice(0, 1).flatMap((field) => INJECTIONS.map(([name, value]) => withField(route, field, `the valid value + ${name}`, `${first(route.fields[field]!)}${value}`))),
      ...[...INJECTIONS, ...PROTOTYPE_KEYS].map(([name, value]) => atSegment(route, name, encodeURIComponent(value))),
      ...INJECTIONS.map(([name, value]) => validWith(route, `query: ${name}`, { path: `${route.path}?lang=${encodeURIComponent(value)}&${encodeURIComponent(value)}=1` })),
      ...INJECTIONS.map(([name, value]) =>
        validWith(route, `headers: ${name}`, {
          headers: {
            'User-Agent': value,
            'Accept-Language': value,
            Referer: `https://evil.example/${encodeURIComponent(value)}`,
            'HX-Request': value,
            'X-Forwarded-For': value,
            'X-Forwarded-Host': value,
          },
        }),
      ),
    ],
  },
  {
    kind: 'NUL and control characters',
    build: (route) => [
      ...hostileFields(route).flatMap((field) => CONTROLS.map(([name, value]) => withField(route, field, name, value))),
      ...CONTROLS.map(([name, value]) => validWith(route, `query: ${name}`, { path: `${route.path}?lang=${encodeURIComponent(value)}` })),
      post(route, 'a multipart part with a NUL in its name', `--${BOUNDARY}\r\nContent-Disposition: form-data; name="a\u0000b"\r\n\r\nv\r\n--${BOUNDARY}--\r\n`, MULTIPART),
    ],
  },
  {
    kind: 'header injection',
    build: (route) => [
      ...hostileFields(route).flatMap((field) => HEADER_INJECTIONS.map(([name, value]) => withField(route, field, name, value))),
      ...HEADER_INJECTIONS.map(([name, value]) => validWith(route, `query: ${name}`, { path: `${route.path}?lang=${encodeURIComponent(value)}` })),
      post(
        route,
        'a multipart file with CRLF in its filename',
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${fieldNames(route)[0]}"; filename="a\r\nBcc: x@y.com"\r\nContent-Type: text/html\r\n\r\n${XSS_SCRIPT}\r\n--${BOUNDARY}--\r\n`,
        MULTIPART,
      ),
      post(route, 'every field a multipart file', multipartFiles(route.fields), MULTIPART, { mayChange: brokenMay(route) }),
    ],
  },
  {
    kind: 'unicode edge cases',
    build: (route) => [
      ...hostileFields(route).flatMap((field) => CORE_UNICODE.map(([name, value]) => withField(route, field, name, value))),
    ],
  },
];

/** Every field sent as a file upload (a text/html file holding the value). */
function multipartFiles(fields: Fields): string {
  let out = '';
  for (const [key, value] of Object.entries(fields)) {
    for (const v of [value].flat()) {
      out += `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${key}"; filename="${key}.html"\r\nContent-Type: text/html\r\n\r\n${v}\r\n`;
    }
  }
  return `${out}--${BOUNDARY}--\r\n`;
}

// ---------------------------------------------------------------------------------------------
// Pages and JSON read with GET (and HEAD)

export interface ReadRoute {
  name: string;
  method: 'GET' | 'HEAD';
  path: string;
  slot: string;
  headers?: Record<string, string>;
  /**
   * Only these kinds (default: all). A variant of a route already covered (HEAD, another
   * contact) needs only the kinds that reach what differs.
   */
  kinds?: readonly ReadKindName[];
}

export type ReadKindName =
  | 'wrong methods'
  | 'oversized and absurd lengths'
  | 'invalid UTF-8 in path and query'
  | 'script and SQL fragments'
  | 'NUL, control characters and header injection'
  | 'unicode edge cases';

/** The kinds of malformed read this route gets. */
export function readKindsFor(route: ReadRoute) {
  return READ_KINDS.filter(({ kind }) => !route.kinds || route.kinds.includes(kind));
}

const read = (route: ReadRoute, name: string, extra: Partial<HostileRequest> = {}): HostileRequest => ({
  name,
  method: route.method,
  path: route.path,
  headers: { ...route.headers, ...extra.headers },
  mayChange: false,
  ...extra,
  ...(extra.headers ? { headers: { ...route.headers, ...extra.headers } } : {}),
});

const slotted = (route: ReadRoute, segment: string) => route.slot.replace('{x}', segment);

export const READ_KINDS: readonly { kind: ReadKindName; build(route: ReadRoute): HostileRequest[] }[] = [
  {
    kind: 'wrong methods',
    build: (route) =>
      ['PUT', 'DELETE', 'PATCH', 'OPTIONS'].map((method) =>
        read(route, method, { method, body: method === 'OPTIONS' ? undefined : 'a=1', headers: FORM }),
      ),
  },
  {
    kind: 'oversized and absurd lengths',
    build: (route) => [
      read(route, 'a 100 KB path segment', { path: slotted(route, huge(100 * KB)) }),
      read(route, 'a 100 KB query value', { path: `${route.path}?lang=${huge(100 * KB)}` }),
      read(route, '10,000 repeated query parameters', { path: `${route.path}?${'lang=ja&'.repeat(10_000)}` }),
      read(route, '10,000 distinct query parameters', { path: `${route.path}?${Array.from({ length: 10_000 }, (_, i) => `p${i}=1`).join('&')}` }),
      read(route, 'a 50 KB User-Agent', { headers: { 'User-Agent': huge(50 * KB, 'u') } }),
      read(route, 'a 50 KB Accept-Language', { headers: { 'Accept-Language': `${'x-'.repeat(25 * KB)}ja` } }),
      read(route, 'Accept-Language of 10,000 tags', { headers: { 'Accept-Language': Array(10_000).fill('ja;q=0.5').join(',') } }),
      read(route, 'Accept-Language with absurd q values', { headers: { 'Accept-Language': 'ja;q=NaN, en;q=-1, fr;q=1e309, *;q=' } }),
      read(route, 'a 50 KB Cookie', { headers: { Cookie: `a=${huge(50 * KB)}` } }),
      read(route, 'a 50 KB If-None-Match', { headers: { 'If-None-Match': huge(50 * KB) } }),
      read(route, 'a trailing slash', { path: `${route.path}/` }),
      read(route, 'a double slash', { path: route.path.replace(/^\//, '//') }),
      read(route, 'dot segments', { path: `${route.path}/../../${route.path.split('/')[1]}` }),
    ],
  },
  {
    kind: 'invalid UTF-8 in path and query',
    build: (route) => [
      ...BAD_ESCAPES.map(([name, text]) => read(route, `path segment ${name}`, { path: slotted(route, text) })),
      ...BAD_ESCAPES.map(([name, text]) => read(route, `?lang=${name}`, { path: `${route.path}?lang=${text}` })),
      ...CORE_ESCAPES.map(([name, text]) => read(route, `a query name ${name}`, { path: `${route.path}?${text}=1&lang=en` })),
      read(route, 'Latin-1 bytes in a header', { headers: { 'User-Agent': '\u00ff\u00fe\u00c3(', 'Accept-Language': '\u00e9\u00e8' } }),
    ],
  },
  {
    kind: 'script and SQL fragments',
    build: (route) => [
      ...[...INJECTIONS, ...PROTOTYPE_KEYS].map(([name, value]) => read(route, `path segment: ${name}`, { path: slotted(route, encodeURIComponent(value)) })),
      ...INJECTIONS.map(([name, value]) => read(route, `path segment (raw): ${name}`, { path: slotted(route, value.replace(/[#?]/g, '')) })),
      ...INJECTIONS.map(([name, value]) => read(route, `query: ${name}`, { path: `${route.path}?lang=${encodeURIComponent(value)}&${encodeURIComponent(value)}=${encodeURIComponent(value)}` })),
      ...INJECTIONS.map(([name, value]) =>
        read(route, `headers: ${name}`, {
          headers: {
            'User-Agent': value,
            'Accept-Language': value,
            Referer: `https://evil.example/${encodeURIComponent(value)}`,
            'X-Forwarded-For': value,
            'X-Forwarded-Host': value,
            'HX-Request': value,
          },
        }),
      ),
    ],
  },
  {
    kind: 'NUL, control characters and header injection',
    build: (route) => [
      ...[...CONTROLS, ...HEADER_INJECTIONS].map(([name, value]) => read(route, `path segment: ${name}`, { path: slotted(route, encodeURIComponent(value)) })),
      ...[...CONTROLS, ...HEADER_INJECTIONS].map(([name, value]) => read(route, `query: ${name}`, { path: `${route.path}?lang=${encodeURIComponent(value)}` })),
    ],
  },
  {
    kind: 'unicode edge cases',
    build: (route) => [
      ...CORE_UNICODE.map(([name, value]) => read(route, `path segment: ${name}`, { path: slotted(route, encodeURIComponent(value)) })),
      ...CORE_UNICODE.map(([name, value]) => read(route, `query: ${name}`, { path: `${route.path}?lang=${encodeURIComponent(value)}` })),
    ],
  },
];
