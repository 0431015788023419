// The Workers webhook transport: fetch, after the same URL check as at registration. Workers
// cannot pin a resolved address, but Cloudflare's fetch does not reach private, loopback or
// link-local addresses from the edge, so a name that resolves inside goes nowhere. No redirect
// is followed, and only coarse errors come back.
import { checkWebhookUrl } from './target.ts';
import type { WebhookTransport } from './transport.ts';

const TIMEOUT_MS = 10_000;

export function fetchWebhookTransport(options: { allowLoopback: boolean; timeoutMs?: number }): WebhookTransport {
  return async (urlText, headers, body) => {
    const checked = checkWebhookUrl(urlText, options.allowLoopback);
    if (!checked.ok) return { status: null, error: 'connection failed', detail: `refused: ${checked.problem}` };
    try {
      const res = await fetch(checked.target.url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(options.timeoutMs ?? TIMEOUT_MS) });
      await res.body?.cancel().catch(() => {});
      return { status: res.status, error: res.ok ? null : `HTTP ${res.status}` };
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      return { status: null, error: timedOut ? 'timeout' : /tls|ssl|certificate/i.test(detail) ? 'tls' : 'connection failed', detail };
    }
  };
}
