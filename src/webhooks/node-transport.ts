// The Node webhook transport (imported by src/node.ts only). It resolves the endpoint's name
// once, refuses it unless every address is allowed, and then connects to exactly the addresses
// it checked: a second lookup (fetch's own) could answer differently the second time (DNS
// rebinding). TLS is still verified against the name, sent as SNI. No redirect is followed.
import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { formatIp, parseIp, type IpAddress } from '../net/ip-address.ts';
import { checkWebhookUrl, isAllowedAddress } from './target.ts';
import type { WebhookAttempt, WebhookTransport } from './transport.ts';

/** Every address of a name, as dns.lookup({ all: true }) answers. */
export type Resolver = (hostname: string) => Promise<readonly { address: string }[]>;

export interface NodeTransportOptions {
  /** WEBHOOK_ALLOW_LOOPBACK: 127/8, ::1 and localhost are allowed too. */
  allowLoopback: boolean;
  /** The system resolver unless a test answers instead. */
  resolve?: Resolver;
  /** For the whole attempt: lookup, connect, TLS and the answer's status line. */
  timeoutMs?: number;
}

const TIMEOUT_MS = 10_000;
const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

export function nodeWebhookTransport(options: NodeTransportOptions): WebhookTransport {
  const resolve = options.resolve ?? systemResolver;
  const timeoutMs = options.timeoutMs ?? TIMEOUT_MS;
  return async (urlText, headers, body) => {
    const deadline = Date.now() + timeoutMs;
    // Stored before this check existed, or allowed then by WEBHOOK_ALLOW_LOOPBACK: check again.
    const checked = checkWebhookUrl(urlText, options.allowLoopback);
    if (!checked.ok) return refused(checked.problem);
    const { url, host, address } = checked.target;
    let addresses: IpAddress[];
    if (address) {
      // An IP literal never goes through a lookup: what was checked is what is dialled.
      addresses = [address];
    } else {
      const answer = await beforeDeadline(resolve(host), deadline);
      if (answer === 'timeout') return { status: null, error: 'timeout', detail: `looking up ${host} took too long` };
      if (answer instanceof Error) return { status: null, error: 'connection failed', detail: `looking up ${host} failed: ${answer.message}` };
      const parsed = answer.map((entry) => ({ text: entry.address, ip: parseIp(entry.address) }));
      const bad = parsed.find((entry) => !entry.ip || !isAllowedAddress(entry.ip, options.allowLoopback));
      if (parsed.length === 0) return refused(`${host} has no address`);
      if (bad) return refused(`${host} resolves to ${bad.text}, which is not a public address`);
      addresses = parsed.map((entry) => entry.ip!);
    }
    return post(url, address ? null : host, addresses, headers, body, deadline - Date.now());
  };
}

/** Looks the same to the operator as a server that is down: nothing to learn about the inside. */
function refused(detail: string): WebhookAttempt {
  return { status: null, error: 'connection failed', detail: `refused: ${detail}` };
}

async function beforeDeadline<T>(promise: Promise<T>, deadline: number): Promise<T | Error | 'timeout'> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), Math.max(0, deadline - Date.now()))));
  try {
    return await Promise.race([promise.catch((error: unknown) => (error instanceof Error ? error : new Error(String(error)))), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** `name` is null for an IP literal; otherwise it is the Host, the SNI and the certificate's name. */
function post(url: URL, name: string | null, addresses: IpAddress[], headers: Record<string, string>, body: string, timeoutMs: number): Promise<WebhookAttempt> {
  return new Promise((resolve) => {
    const https = url.protocol === 'https:';
    let settled = false;
    let connected = false;
    let secured = false;
    const finish = (result: WebhookAttempt) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const dialled = addresses.map((ip) => ({ address: formatIp(ip), family: ip.version }));
    // Hands the connection the checked addresses instead of asking DNS again.
    const pinned: LookupFunction = (_hostname, lookupOptions, callback) => {
      if (lookupOptions.all) callback(null, dialled);
      else callback(null, dialled[0]!.address, dialled[0]!.family);
    };
    let request: ReturnType<typeof httpRequest>;
    try {
      request = (https ? httpsRequest : httpRequest)({
        host: name ?? dialled[0]!.address,
        port: url.port || (https ? 443 : 80),
        path: `${url.pathname}${url.search}`,
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: pinned,
        // A connection of its own: a pooled one could have been opened to another address.
        agent: false,
        ...(https && name ? { servername: name } : {}),
      });
    } catch (error) {
      resolve({ status: null, error: 'connection failed', detail: String(error) });
      return;
    }
    const timer = setTimeout(() => {
      finish({ status: null, error: 'timeout', detail: `no answer within ${timeoutMs} ms` });
      request.destroy();
    }, Math.max(0, timeoutMs));
    request.on('socket', (socket) => {
      socket.once('connect', () => (connected = true));
      socket.once('secureConnect', () => (secured = true));
    });
    request.on('response', (response) => {
      const status = response.statusCode ?? 0;
      finish({ status, error: status >= 200 && status < 300 ? null : `HTTP ${status}` });
      // Only the status matters; the body is never read (nor stored).
      response.destroy();
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      const handshake = https && connected && !secured;
      const tls = handshake || /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH)/.test(error.code ?? '');
      finish({ status: null, error: tls ? 'tls' : 'connection failed', detail: `${error.code ?? error.name}: ${error.message}` });
    });
    request.end(body);
  });
}
