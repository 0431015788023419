// Twilio adapter over fetch (no SDK: the same code runs on Node and on Workers).
//
// Idempotency, honestly: Twilio's Messages API takes no idempotency key (I-Twilio-Idempotency-Token
// is a header Twilio sends on its own webhooks, not one its REST API documents honouring), so
// "send once per message id" cannot be delegated to Twilio as it is to Resend. What we do instead:
// - an attempt whose outcome we do not know (our timeout fired, the connection broke, Twilio
//   answered 5xx, or the sender died mid-send) leaves the message "in doubt" in the outbox;
// - before sending a message in doubt again, we list the recent messages to that number and, if
//   one created since the doubtful attempt carries exactly our body, take it as ours (its SID
//   recorded, nothing re-sent); if that lookup fails we do not send blind, we try again later.
// What this guarantees: no second copy when the first one shows up in Twilio's message list by
// the time of the retry (the first retry comes seconds after a 15 s timeout). What it does not:
// a message Twilio creates only after our lookup, a body Twilio altered or does not keep (content
// retention set to discard), or two of our messages to one number with the same body in that
// window (then the second is taken as sent). Answers that say no message was created (429, 4xx,
// a refused connection) are retried or failed without a lookup.
import type { OutgoingSms, SmsSender, SmsSendResult } from './sender.ts';

export const DEFAULT_TWILIO_BASE_URL = 'https://api.twilio.com';

export interface TwilioOptions {
  accountSid: string;
  authToken: string;
  /** TWILIO_BASE_URL (tests, regional endpoints); default https://api.twilio.com. */
  baseUrl?: string | null;
  /** Per request; a hung provider must not stall the queue or a shutdown. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** A message created up to this long before the doubtful attempt's time still counts (clock skew). */
const CLOCK_SKEW_MS = 5 * 60_000;

export function twilioSender(options: TwilioOptions): SmsSender {
  const base = (options.baseUrl || DEFAULT_TWILIO_BASE_URL).replace(/\/+$/, '');
  const messagesUrl = `${base}/2010-04-01/Accounts/${encodeURIComponent(options.accountSid)}/Messages.json`;
  const authorization = `Basic ${btoa(`${options.accountSid}:${options.authToken}`)}`;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const doFetch = options.fetch ?? fetch;

  const request = (url: string, form?: URLSearchParams) =>
    doFetch(url, {
      method: form ? 'POST' : 'GET',
      headers: {
        Authorization: authorization,
        Accept: 'application/json',
        ...(form ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}),
      },
      body: form,
      signal: AbortSignal.timeout(timeoutMs),
    });

  /** The SID of a message to `sms.to` with our body created since the doubtful attempt; null: none; undefined: could not tell. */
  async function findEarlier(sms: OutgoingSms, since: string): Promise<string | null | undefined> {
    try {
      const res = await request(`${messagesUrl}?${new URLSearchParams({ To: sms.to, PageSize: '50' })}`);
      if (!res.ok) return undefined;
      const page = (await res.json()) as { messages?: TwilioMessage[] };
      const after = Date.parse(since) - CLOCK_SKEW_MS;
      const match = (page.messages ?? []).find(
        (m) => m.body === sms.body && !String(m.direction ?? 'outbound').startsWith('inbound') && Date.parse(m.date_created ?? '') >= after,
      );
      return match?.sid ?? null;
    } catch {
      return undefined;
    }
  }

  return {
    async send(sms): Promise<SmsSendResult> {
      if (sms.inDoubtSince) {
        const earlier = await findEarlier(sms, sms.inDoubtSince);
        if (earlier) return { ok: true, providerId: earlier };
        if (earlier === undefined) {
          return { ok: false, retryable: true, inDoubt: true, error: 'an earlier attempt may have been sent, and Twilio could not be asked: not sent again yet' };
        }
      }
      let res: Response;
      try {
        res = await request(messagesUrl, new URLSearchParams({ To: sms.to, From: sms.from, Body: sms.body }));
      } catch (error) {
        return networkFailure(error);
      }
      const answer = (await res.json().catch(() => null)) as TwilioAnswer | null;
      if (res.ok) return { ok: true, providerId: typeof answer?.sid === 'string' ? answer.sid : null };
      const error = `${res.status} ${typeof answer?.code === 'number' ? answer.code : 'error'}: ${typeof answer?.message === 'string' ? answer.message : res.statusText}`;
      // 429: refused before anything was created. A 5xx may come after Twilio created it.
      if (res.status === 429) return { ok: false, retryable: true, error };
      if (res.status >= 500) return { ok: false, retryable: true, inDoubt: true, error };
      return { ok: false, retryable: false, error };
    },
  };
}

/** A connection that was never made sent nothing; anything else may have reached Twilio. */
function networkFailure(error: unknown): SmsSendResult {
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') {
    return { ok: false, retryable: true, inDoubt: true, error: 'timeout: Twilio did not answer in time' };
  }
  const code = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  const message = `network: ${String(error)}${typeof code === 'string' ? ` (${code})` : ''}`;
  if (typeof code === 'string' && NOT_CONNECTED.has(code)) return { ok: false, retryable: true, error: message };
  return { ok: false, retryable: true, inDoubt: true, error: message };
}

const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/** Twilio's answer: a Message resource on success, { code, message, more_info, status } on error. */
interface TwilioAnswer {
  sid?: unknown;
  code?: unknown;
  message?: unknown;
}

interface TwilioMessage {
  sid?: string;
  body?: string;
  direction?: string;
  /** RFC 2822, e.g. "Wed, 18 Aug 2010 20:01:40 +0000". */
  date_created?: string;
}
