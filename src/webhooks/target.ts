// Where a webhook may go: a server on the internet, never one inside our own network. A site
// key that could aim webhooks at 169.254.169.254 or 10.0.0.1 and read the answers back from the
// deliveries list would turn the service into a scanner of the network it runs in. Checked when
// an endpoint is registered (the URL as typed) and again at every delivery (the stored URL, then
// the addresses its name resolves to: see node-transport.ts). Runtime-neutral.
import { isLoopbackAddress, isPublicAddress, parseIp, type IpAddress } from '../net/ip-address.ts';

export interface WebhookTarget {
  url: URL;
  /** The host without brackets or a trailing dot: a name, or the text of `address`. */
  host: string;
  /** Set when the host is an IP literal (then nothing is resolved). */
  address: IpAddress | null;
}

export type TargetCheck = { ok: true; target: WebhookTarget } | { ok: false; problem: string };

/**
 * Names that only mean something inside a network. Single-label names (no dot) are refused
 * whatever they are: a search domain would complete them to an internal host ("metadata",
 * "instance-data", "intranet").
 */
const LOCAL_SUFFIXES = ['localhost', 'local', 'localdomain', 'internal', 'intranet', 'lan', 'home', 'corp', 'private', 'arpa', 'test', 'example', 'invalid'];
/** Cloud metadata services by name (also refused by the rules above; listed so it stays so). */
const METADATA_NAMES = new Set(['metadata', 'metadata.google.internal', 'instance-data', 'instance-data.ec2.internal']);

/**
 * Whether the URL may receive webhooks: https (http only to loopback with `allowLoopback`), no
 * credentials, and a host that is a public address or a public name. The WHATWG URL parser has
 * already turned 0x7f000001, 2130706433, 0177.0.0.1 and 127.1 into 127.0.0.1 and written IPv6
 * in one form, so the host is checked as the bytes it means. Any port is allowed.
 */
export function checkWebhookUrl(text: string, allowLoopback: boolean): TargetCheck {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, problem: 'Must be an absolute https URL.' };
  }
  const httpsOnly = allowLoopback ? 'Must be an https URL (http only for localhost and loopback addresses).' : 'Must be an https URL.';
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, problem: httpsOnly };
  if (url.username || url.password) return { ok: false, problem: 'Must not contain a user name or password.' };
  const host = url.hostname.replace(/^\[|\]$/g, '').replace(/\.+$/, '');
  const address = parseIp(host);
  const loopback = allowLoopback && (address ? isLoopbackAddress(address) : host === 'localhost');
  if (!loopback) {
    if (address && !isPublicAddress(address)) {
      return { ok: false, problem: `${host} is not a public internet address (loopback, private, link-local, carrier-grade NAT, multicast or reserved): webhooks cannot reach inside the network.` };
    }
    if (!address && isLocalName(host)) {
      return { ok: false, problem: `${host} is a local or cloud metadata name, not a public one: webhooks cannot reach inside the network.` };
    }
    if (url.protocol !== 'https:') return { ok: false, problem: httpsOnly };
  }
  return { ok: true, target: { url, host, address } };
}

/** Whether a connection to this (resolved) address is allowed. */
export function isAllowedAddress(address: IpAddress, allowLoopback: boolean): boolean {
  return isPublicAddress(address) || (allowLoopback && isLoopbackAddress(address));
}

function isLocalName(host: string): boolean {
  if (!host.includes('.') || METADATA_NAMES.has(host)) return true;
  return LOCAL_SUFFIXES.some((suffix) => host.endsWith(`.${suffix}`));
}
