// Inbound SMS webhooks: replies to our texts, as Twilio or another gateway posts them. Each is
// checked to come from the provider before anything is read from it (403 otherwise, and when
// that provider is not configured); then domain/sms-replies.ts acts on it and says what to
// answer. Not browser forms: no same-origin check, and no per-IP limit, since a provider posts
// every person's STOP from a few shared addresses and an opt-out must never be refused; an
// unsigned request costs one HMAC and writes nothing.
import { z } from '@hono/zod-openapi';
import { Hono } from 'hono';
import type { AppContext, AppEnv } from '../app-env.ts';
import { receiveSms } from '../domain/sms-replies.ts';
import { verifyGenericSignature, verifyTwilioSignature } from '../sms/signatures.ts';
import { evidenceOf, formText, readForm } from './render.tsx';

export const smsInboundRoutes = new Hono<AppEnv>();

/** The longest SMS a provider hands in (Twilio's limit for a concatenated message). */
const MAX_INBOUND_TEXT = 1600;

// Twilio: form fields From, To, Body, MessageSid, signed in X-Twilio-Signature with the auth
// token over the URL Twilio was given, which is ours under BASE_URL (behind a proxy the request's
// own URL is the internal one), with whatever query the request carries.
smsInboundRoutes.post('/twilio', async (c) => {
  const { deps } = c.var;
  const twilio = deps.config.twilio;
  if (!twilio) return c.text('Forbidden', 403);
  const form = await readForm(c);
  if (!form) return c.text('Bad request', 400);
  const params: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(form)) {
    const texts = [value].flat().filter((one): one is string => typeof one === 'string');
    params[name] = texts.length === 1 ? texts[0]! : texts;
  }
  const url = `${deps.config.baseUrl}/sms/inbound/twilio${new URL(c.req.url).search}`;
  if (!(await verifyTwilioSignature(twilio.authToken, url, params, c.req.header('X-Twilio-Signature') ?? ''))) return c.text('Forbidden', 403);
  const messageId = formText(form.MessageSid);
  const from = formText(form.From);
  if (!messageId || !from) return c.text('Bad request', 400);
  const outcome = await receiveSms(deps, { provider: 'twilio', messageId, from, text: formText(form.Body) }, evidenceOf(c));
  return twiml(c, outcome.reply);
});

const GenericSms = z.object({
  id: z.string().min(1).max(200),
  from: z.string().min(1).max(40),
  to: z.string().max(40).optional(),
  text: z.string().max(MAX_INBOUND_TEXT),
});

// Any other gateway: JSON { id, from, to, text }, signed like our outgoing webhooks (Standard
// Webhooks) with SMS_INBOUND_SECRET; the answer is JSON { reply } for the gateway to send.
smsInboundRoutes.post('/generic', async (c) => {
  const { deps } = c.var;
  const secret = deps.config.smsInboundSecret;
  if (!secret) return c.json({ error: 'forbidden' }, 403);
  const raw = await c.req.text();
  if (!(await verifyGenericSignature(secret, c.req.raw.headers, raw, deps.clock.now()))) return c.json({ error: 'forbidden' }, 403);
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return c.json({ error: 'invalid_request', message: 'The body is not JSON.' }, 400);
  }
  const parsed = GenericSms.safeParse(body);
  if (!parsed.success) return c.json({ error: 'invalid_request', message: 'Send { "id", "from", "to", "text" } as strings.' }, 400);
  const { id, from, text } = parsed.data;
  const outcome = await receiveSms(deps, { provider: 'generic', messageId: id, from, text }, evidenceOf(c));
  return c.json({ reply: outcome.reply });
});

/** Twilio sends what a TwiML <Message> says back to the sender; an empty <Response/> sends nothing. */
function twiml(c: AppContext, reply: string | null) {
  const body = reply === null ? '<Response/>' : `<Response><Message>${escapeXml(reply)}</Message></Response>`;
  return c.body(`<?xml version="1.0" encoding="UTF-8"?>${body}`, 200, { 'Content-Type': 'text/xml; charset=utf-8' });
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[char]};`);
}
