// Proof that an inbound SMS webhook comes from the provider: Twilio's X-Twilio-Signature, and for
// any other gateway our own Standard Webhooks signature (the one our outgoing webhooks carry).
// Every check answers false on anything a sender controls; only a bad secret of ours throws.
import { Webhook } from 'standardwebhooks';
import { secretsEqual } from '../domain/ids.ts';

/**
 * Twilio's request validation: base64(HMAC-SHA1(auth token, URL + each POST parameter, sorted
 * by name, as name then value)). `url` is the full URL Twilio was given, query included; the
 * params are the decoded form fields. A field sent several times contributes each distinct
 * value once, in sorted order, as Twilio's own helper libraries sign it.
 *
 * Twilio's backends have signed some URLs with the default port (:443) and some without, and
 * helper libraries differ on whether to normalise the URL first (lower-case host, ' as %27), so,
 * as they do, this accepts the URL as given, as the WHATWG parser writes it, and each with the
 * port added or removed: all name the same endpoint, and none helps a forger without the token.
 * (JSON bodies, signed through a bodySHA256 query parameter, are not handled here.)
 */
export async function verifyTwilioSignature(
  authToken: string,
  url: string,
  params: Record<string, string | string[]>,
  signature: string,
): Promise<boolean> {
  if (!authToken || !signature) return false;
  const fields = signedFields(params);
  const key = await crypto.subtle.importKey('raw', utf8(authToken), { name: 'HMAC', hash: 'SHA-1' }, false, ['sign']);
  let valid = false;
  for (const candidate of urlForms(url)) {
    const expected = toBase64(await crypto.subtle.sign('HMAC', key, utf8(candidate + fields)));
    // Every form is checked, so the time taken does not say which one matched.
    if (await secretsEqual(expected, signature)) valid = true;
  }
  return valid;
}

function signedFields(params: Record<string, string | string[]>): string {
  let text = '';
  for (const name of Object.keys(params).sort()) {
    const value = params[name]!;
    for (const one of Array.isArray(value) ? [...new Set(value)].sort() : [value]) text += name + one;
  }
  return text;
}

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443' };

/** The URL as given and as the WHATWG parser writes it, each with and without its port. */
function urlForms(url: string): string[] {
  const forms = new Set<string>();
  const bases = [url];
  try {
    bases.push(new URL(url).href);
  } catch {
    // Not a URL the parser takes: only the text as given can have been signed.
  }
  for (const base of bases) {
    forms.add(base);
    const other = togglePort(base);
    if (other) forms.add(other);
  }
  return [...forms];
}

// scheme://[userinfo@]host[:port] and the rest, split by hand so the host keeps its case.
const AUTHORITY = /^([a-z][a-z0-9+.-]*:)\/\/([^/?#@]*@)?(\[[^\]]*\]|[^/?#:]*)(:[0-9]*)?([/?#].*)?$/is;

function togglePort(url: string): string | null {
  const match = AUTHORITY.exec(url);
  if (!match) return null;
  const [, scheme = '', userinfo = '', host = '', port, rest = ''] = match;
  if (port) return `${scheme}//${userinfo}${host}${rest}`;
  const standard = DEFAULT_PORTS[scheme.toLowerCase()];
  return standard ? `${scheme}//${userinfo}${host}:${standard}${rest}` : null;
}

/** How far a generic webhook's timestamp may be from our clock, either way (Standard Webhooks). */
export const SIGNATURE_TOLERANCE_SECONDS = 5 * 60;

type HeaderSource = Headers | Record<string, string | undefined>;

/**
 * A generic gateway's inbound JSON, signed like our outgoing webhooks (Standard Webhooks):
 * `webhook-id`, `webhook-timestamp` (Unix seconds) and `webhook-signature` (space-separated
 * `v1,<base64>` entries, so a gateway can sign with an old and a new secret at once), HMAC-SHA256
 * over `${id}.${timestamp}.${body}` with the `whsec_` secret. The standardwebhooks library signs;
 * the timestamp is checked here against `now`, the injected clock's time, since the library's
 * own verify reads the real clock. Replays inside the window are the caller's to refuse, by id.
 * Throws only when `secret` is not a valid `whsec_` secret (our configuration, not the sender's).
 */
export async function verifyGenericSignature(secret: string, headers: HeaderSource, rawBody: string, now: Date): Promise<boolean> {
  const signer = new Webhook(secret);
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures || !/^[0-9]{1,12}$/.test(timestamp)) return false;
  const seconds = Number(timestamp);
  if (Math.abs(Math.floor(now.getTime() / 1000) - seconds) > SIGNATURE_TOLERANCE_SECONDS) return false;
  const expected = signer.sign(id, new Date(seconds * 1000), rawBody);
  let valid = false;
  for (const entry of signatures.split(' ')) {
    if (entry.startsWith('v1,') && (await secretsEqual(entry, expected))) valid = true;
  }
  return valid;
}

function header(headers: HeaderSource, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value;
  return undefined;
}

function utf8(text: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(text);
}

function toBase64(bytes: ArrayBuffer): string {
  let binary = '';
  for (const byte of new Uint8Array(bytes)) binary += String.fromCharCode(byte);
  return btoa(binary);
}
