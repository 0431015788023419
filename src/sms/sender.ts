// The one thing the app asks of an SMS provider, shaped like the Mailer.
import type { SendResult } from '../mail/mailer.ts';

export interface OutgoingSms {
  /** Our message id, stable across retries. */
  id: string;
  /** TWILIO_FROM: an E.164 number or an alphanumeric sender id. */
  from: string;
  /** E.164. */
  to: string;
  body: string;
  /**
   * Set when an earlier attempt may have reached the provider without our learning its outcome
   * (ISO time of the first such attempt): a sender that can ask the provider whether the message
   * exists does so before sending again. Null or absent: no attempt is in doubt.
   */
  inDoubtSince?: string | null;
}

/**
 * A SendResult, or a failure after which the message may nonetheless exist at the provider
 * (a timeout once the request was out, a 5xx): the outbox keeps that in doubt for the next try.
 */
export type SmsSendResult = SendResult | { ok: false; retryable: true; error: string; inDoubt: true };

export interface SmsSender {
  /** Never throws: failures come back as a result. */
  send(sms: OutgoingSms): Promise<SmsSendResult>;
}

export function isInDoubt(result: SmsSendResult): boolean {
  return !result.ok && 'inDoubt' in result && result.inDoubt;
}
