// How a signed webhook leaves the process. The sender (deliveries.ts) is runtime-neutral and is
// handed one of these: on Node, node-transport.ts; on Workers, a fetch-based one.

/**
 * What the operator may learn about an attempt: the status, or one coarse word. Never an OS or
 * TLS error text: those tell an attacker what listens where (a port scanner by webhook).
 */
export type WebhookError = `HTTP ${number}` | 'timeout' | 'connection failed' | 'tls';

export interface WebhookAttempt {
  /** The HTTP status, or null when no answer came. */
  status: number | null;
  /** Null for a 2xx; stored and shown by the deliveries API. */
  error: WebhookError | null;
  /** The full story (an OS error, an address refused), for the server log only; never stored. */
  detail?: string;
}

/** POSTs `body` with `headers` to `url`, following no redirect, within the transport's timeout. */
export type WebhookTransport = (url: string, headers: Record<string, string>, body: string) => Promise<WebhookAttempt>;
