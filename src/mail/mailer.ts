// The one thing the app asks of an email provider.

export interface OutgoingMail {
  /** Stable per message: the provider's idempotency key, so a retry never sends twice. */
  id: string;
  from: string;
  to: string[];
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
}

export type SendResult =
  | { ok: true; providerId: string | null }
  /** retryable: a network error, 429 or 5xx; anything else will not get better by waiting. */
  | { ok: false; retryable: boolean; error: string };

export interface Mailer {
  /** Never throws: failures come back as a SendResult. */
  send(mail: OutgoingMail): Promise<SendResult>;
}
