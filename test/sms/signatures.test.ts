import { describe, expect, it } from 'vitest';
import { verifyGenericSignature, verifyTwilioSignature } from '../../src/sms/signatures.ts';
import { signedHeaders } from '../../src/webhooks/deliveries.ts';

// The example in Twilio's security documentation, reused by its helper libraries' tests
// (twilio-php, twilio-csharp, twilio-python): auth token 12345, this URL and these fields.
const TOKEN = '12345';
const URL = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const PARAMS = {
  CallSid: 'CA1234567890ABCDE',
  Caller: '+14158675309',
  Digits: '1234',
  From: '+14158675309',
  To: '+18005551212',
};
const SIGNATURE = 'RSOYDt4T1cUTdK1PDd93/VVr8B8=';

describe('verifyTwilioSignature', () => {
  it("accepts Twilio's documented examples", async () => {
    expect(await verifyTwilioSignature(TOKEN, URL, PARAMS, SIGNATURE)).toBe(true);
    // The same example with other numbers (Twilio's code snippets, older and newer).
    const other = (number: string) => ({ ...PARAMS, Caller: number, From: number });
    expect(await verifyTwilioSignature(TOKEN, URL, other('+14158675310'), 'GvWf1cFY/Q7PnoempGyD5oXAezc=')).toBe(true);
    expect(await verifyTwilioSignature(TOKEN, URL, other('+12349013030'), '0/KCTR6DLpKmkAf8muzZqo1nDgQ=')).toBe(true);
  });

  it('sorts the fields by name, whatever order they arrived in', async () => {
    const shuffled = { To: PARAMS.To, Digits: PARAMS.Digits, From: PARAMS.From, CallSid: PARAMS.CallSid, Caller: PARAMS.Caller };
    expect(await verifyTwilioSignature(TOKEN, URL, shuffled, SIGNATURE)).toBe(true);
  });

  it('signs a repeated field once per distinct value, values sorted (twilio-php’s vector)', async () => {
    const repeated = { Sid: 'CA123', SidAccount: 'AC123', Digits: ['5678', '1234', '1234'] };
    expect(await verifyTwilioSignature(TOKEN, URL, repeated, 'IK+Dwps556ElfBT0I3Rgjkr1wJU=')).toBe(true);
    expect(await verifyTwilioSignature(TOKEN, URL, { ...repeated, Digits: ['1234', '5678'] }, 'IK+Dwps556ElfBT0I3Rgjkr1wJU=')).toBe(true);
    expect(await verifyTwilioSignature(TOKEN, URL, { ...repeated, Digits: ['1234'] }, 'IK+Dwps556ElfBT0I3Rgjkr1wJU=')).toBe(false);
  });

  // twilio-csharp's and twilio-php's vectors: Twilio signs some URLs with the default port and
  // some without, and the host as it was configured.
  it.each([
    ['https://mycompany.com:1234/myapp.php?foo=1&bar=2', SIGNATURE], // signed without the port
    ['https://mycompany.com/myapp.php?foo=1&bar=2', 'kvajT1Ptam85bY51eRf/AJRuM3w='], // signed with :443
    ['http://mycompany.com/myapp.php?foo=1&bar=2', '0ZXoZLH/DfblKGATFgpif+LLRf4='], // signed with :80
    ['http://mycompany.com:1234/myapp.php?foo=1&bar=2', 'Zmvh+3yNM1Phv2jhDCwEM3q5ebU='],
    ['https://mycompany.com:1234/myapp.php?foo=1&bar=2', 'CYn1h0gLBdNxDGkKJg6hYohgeD8='],
    ['https://MyCompany.com/myapp.php?foo=1&bar=2', 'g9IN/x4Cft2g517EjYvEvM/W7LU='],
    ['https://MyCompany.com:1234/myapp.php?foo=1&bar=2', 'PCqOZm8cnu/L6+u5i5fuEd+Iac4='],
    ['http://MyCompany.com/myapp.php?foo=1&bar=2', 'XY7AlKOKL6im4yWyX84gldUrtis='],
    ['https://user:pass@mycompany.com/myapp.php?foo=1&bar=2', 'CukzLTc1tT5dXEDIHm/tKBanW10='],
    ['https://user:pass@mycompany.com/myapp.php?foo=1&bar=2', 'ZQFR1PTIZXF2MXB8ZnKCvnnA+rI='], // with :443
    ['https://user@mycompany.com/myapp.php?foo=1&bar=2', '2YRLlVAflCqxaNicjMpJcSTgzSs='],
    ['http://username:password@MyCompany.com/myapp.php?foo=1&bar=2', 'PJ08CxXr7KLPjEQCTc8LkUSMwSM='],
    ['HTTP://username:password@MyCompany.com/myapp.php?foo=1&bar=2', 'hy/l8pca+LFms4cvRdv8uiP6NGc='],
    ['http://Username:Password@MyCompany.com/myapp.php?foo=1&bar=2', 'SkTSKyDJH9kUlhItI0slbgZ1UsI='],
  ])('accepts %s signed as %s', async (url, signature) => {
    expect(await verifyTwilioSignature(TOKEN, url, PARAMS, signature)).toBe(true);
  });

  it('also accepts the URL as the WHATWG parser writes it, as twilio-node signs it', async () => {
    // twilio-node lower-cases the host and escapes ' before signing.
    expect(await verifyTwilioSignature(TOKEN, 'https://MyCompany.com/myapp.php?foo=1&bar=2', PARAMS, SIGNATURE)).toBe(true);
    const escaped = await sign(TOKEN, "https://example.com/path?test=param%27WithQuote", {});
    expect(await verifyTwilioSignature(TOKEN, "https://example.com/path?test=param'WithQuote", {}, escaped)).toBe(true);
  });

  it.each([
    ['a field’s value', TOKEN, URL, { ...PARAMS, Digits: '9999' }, SIGNATURE],
    ['an added field', TOKEN, URL, { ...PARAMS, Body: 'STOP' }, SIGNATURE],
    ['a removed field', TOKEN, URL, { CallSid: PARAMS.CallSid, Caller: PARAMS.Caller, From: PARAMS.From, To: PARAMS.To }, SIGNATURE],
    ['a field’s name', TOKEN, URL, { ...withoutDigits(), digits: '1234' }, SIGNATURE],
    ['the query', TOKEN, 'https://mycompany.com/myapp.php?foo=1&bar=3', PARAMS, SIGNATURE],
    ['an added query field', TOKEN, `${URL}&extra=1`, PARAMS, SIGNATURE],
    ['the path', TOKEN, 'https://mycompany.com/other.php?foo=1&bar=2', PARAMS, SIGNATURE],
    ['the host', TOKEN, 'https://evil.example/myapp.php?foo=1&bar=2', PARAMS, SIGNATURE],
    ['the scheme', TOKEN, 'http://mycompany.com/myapp.php?foo=1&bar=2', PARAMS, SIGNATURE],
    ['the token', '12346', URL, PARAMS, SIGNATURE],
    ['one character of the signature', TOKEN, URL, PARAMS, 'RSOYDt4T1cUTdK1PDd93/VVr8B9='],
    ['the signature’s case', TOKEN, URL, PARAMS, SIGNATURE.toLowerCase()],
    ['a truncated signature', TOKEN, URL, PARAMS, SIGNATURE.slice(0, -1)],
    ['a signature with more after it', TOKEN, URL, PARAMS, `${SIGNATURE} `],
    ['an empty signature', TOKEN, URL, PARAMS, ''],
    ['an empty token', '', URL, PARAMS, SIGNATURE],
    ['the signature of another URL', TOKEN, URL, PARAMS, 'g9IN/x4Cft2g517EjYvEvM/W7LU='],
  ] as const)('refuses a change to %s', async (_what, token, url, params, signature) => {
    expect(await verifyTwilioSignature(token, url, params, signature)).toBe(false);
  });

  it('refuses, without throwing, a URL that does not parse', async () => {
    const signature = await sign(TOKEN, 'not a url', PARAMS);
    expect(await verifyTwilioSignature(TOKEN, 'not a url', PARAMS, signature)).toBe(true);
    expect(await verifyTwilioSignature(TOKEN, 'not a url', PARAMS, SIGNATURE)).toBe(false);
  });

  it('signs names and values as UTF-8', async () => {
    const params = { Body: '停止 🙏', From: '+819012345678' };
    const signature = await sign(TOKEN, URL, params);
    expect(await verifyTwilioSignature(TOKEN, URL, params, signature)).toBe(true);
    expect(await verifyTwilioSignature(TOKEN, URL, { ...params, Body: '停止' }, signature)).toBe(false);
  });
});

function withoutDigits(): Record<string, string> {
  const { Digits: _digits, ...rest } = PARAMS;
  return rest;
}

/** Twilio's construction, written out independently for inputs no published vector covers. */
async function sign(token: string, url: string, params: Record<string, string>): Promise<string> {
  const data = url + Object.keys(params).sort().map((name) => name + params[name]).join('');
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(token), { name: 'HMAC', hash: 'SHA-1' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(data)));
  return btoa(String.fromCharCode(...mac));
}

// The Standard Webhooks specification's test vector.
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const TIMESTAMP = 1614265330;
const BODY = '{"test": 2432232314}';
const V1 = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';
const SIGNED_AT = new Date(TIMESTAMP * 1000);

function vectorHeaders(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return { 'webhook-id': ID, 'webhook-timestamp': String(TIMESTAMP), 'webhook-signature': V1, ...overrides };
}

describe('verifyGenericSignature', () => {
  it('accepts the Standard Webhooks test vector, at the time it was signed', async () => {
    expect(await verifyGenericSignature(SECRET, vectorHeaders(), BODY, SIGNED_AT)).toBe(true);
    expect(await verifyGenericSignature(SECRET, new Headers(vectorHeaders() as Record<string, string>), BODY, SIGNED_AT)).toBe(true);
    // Header names in any case, as a plain object from another framework may carry them.
    const shouted = { 'Webhook-Id': ID, 'WEBHOOK-TIMESTAMP': String(TIMESTAMP), 'Webhook-Signature': V1 };
    expect(await verifyGenericSignature(SECRET, shouted, BODY, SIGNED_AT)).toBe(true);
  });

  it('accepts what our own webhook sender signs', async () => {
    const at = new Date('2026-07-01T09:30:00.250Z');
    const headers = await signedHeaders(SECRET, 'msg_ours', at, '{"from":"+819012345678","text":"STOP"}');
    expect(await verifyGenericSignature(SECRET, headers, '{"from":"+819012345678","text":"STOP"}', at)).toBe(true);
  });

  it('takes the time from the clock it is given, 5 minutes either way', async () => {
    const at = (seconds: number) => new Date((TIMESTAMP + seconds) * 1000);
    expect(await verifyGenericSignature(SECRET, vectorHeaders(), BODY, at(300))).toBe(true);
    expect(await verifyGenericSignature(SECRET, vectorHeaders(), BODY, at(300.999))).toBe(true);
    expect(await verifyGenericSignature(SECRET, vectorHeaders(), BODY, at(301))).toBe(false);
    expect(await verifyGenericSignature(SECRET, vectorHeaders(), BODY, at(-300))).toBe(true);
    expect(await verifyGenericSignature(SECRET, vectorHeaders(), BODY, at(-301))).toBe(false);
    // The vector is from 2021: by the real clock it is long stale.
    expect(await verifyGenericSignature(SECRET, vectorHeaders(), BODY, new Date())).toBe(false);
  });

  it('accepts any one valid v1 entry, so a sender can rotate its secret', async () => {
    const rotating = `v1,bm90IHRoZSBzaWduYXR1cmUgYXQgYWxsIGl0IGlzIG5vdA== ${V1}`;
    expect(await verifyGenericSignature(SECRET, vectorHeaders({ 'webhook-signature': rotating }), BODY, SIGNED_AT)).toBe(true);
  });

  it.each([
    ['the body', vectorHeaders(), '{"test": 2432232315}'],
    ['the body’s spacing', vectorHeaders(), '{"test":2432232314}'],
    ['the id', vectorHeaders({ 'webhook-id': 'msg_other' }), BODY],
    ['the timestamp', vectorHeaders({ 'webhook-timestamp': String(TIMESTAMP + 1) }), BODY],
    ['the signature', vectorHeaders({ 'webhook-signature': V1.replace('g0h', 'g0i') }), BODY],
    ['the version', vectorHeaders({ 'webhook-signature': V1.replace('v1,', 'v2,') }), BODY],
    ['the signature without its version', vectorHeaders({ 'webhook-signature': V1.slice(3) }), BODY],
    ['a missing id', vectorHeaders({ 'webhook-id': undefined }), BODY],
    ['a missing timestamp', vectorHeaders({ 'webhook-timestamp': undefined }), BODY],
    ['a missing signature', vectorHeaders({ 'webhook-signature': undefined }), BODY],
    ['an empty signature', vectorHeaders({ 'webhook-signature': '' }), BODY],
    ['a timestamp with more after it', vectorHeaders({ 'webhook-timestamp': `${TIMESTAMP}abc` }), BODY],
    ['a timestamp in milliseconds', vectorHeaders({ 'webhook-timestamp': `${TIMESTAMP}000` }), BODY],
    ['a fractional timestamp', vectorHeaders({ 'webhook-timestamp': `${TIMESTAMP}.5` }), BODY],
  ] as const)('refuses a change to %s', async (_what, headers, body) => {
    expect(await verifyGenericSignature(SECRET, headers, body, SIGNED_AT)).toBe(false);
  });

  it('refuses another secret’s signature, and throws only on a secret of ours that is not one', async () => {
    const other = `whsec_${btoa('another secret of 32 bytes, ok!!')}`;
    expect(await verifyGenericSignature(other, vectorHeaders(), BODY, SIGNED_AT)).toBe(false);
    await expect(verifyGenericSignature('whsec_', vectorHeaders(), BODY, SIGNED_AT)).rejects.toThrow();
  });
});
