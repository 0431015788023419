// Resend adapter. The SDK never throws on HTTP or network failures; it returns { error } with
// statusCode null for a network error. It reads RESEND_BASE_URL when constructed.
import { Resend } from 'resend';
import type { Mailer } from './mailer.ts';

export function resendMailer(options: { apiKey: string; baseUrl?: string; timeoutMs?: number }): Mailer {
  const resend = new Resend(options.apiKey, options.baseUrl ? { baseUrl: options.baseUrl } : undefined);
  return {
    async send(mail) {
      // Resend takes Reply-To as a field of its own, the rest as custom headers.
      const { 'Reply-To': replyTo, ...headers } = mail.headers;
      try {
        const { data, error } = await resend.emails.send(
          {
            from: mail.from,
            to: mail.to,
            subject: mail.subject,
            html: mail.html,
            text: mail.text,
            headers,
            ...(replyTo ? { replyTo } : {}),
          },
          // A provider that accepts the connection and never answers must not stall the sender
          // (or shutdown): give up on the attempt and let the outbox retry it with the same key.
          { idempotencyKey: mail.id, signal: AbortSignal.timeout(options.timeoutMs ?? 30_000) },
        );
        if (error) {
          const status = typeof error.statusCode === 'number' ? error.statusCode : null;
          return {
            ok: false,
            retryable: status === null || status === 429 || status >= 500,
            error: `${status ?? 'network'} ${error.name}: ${error.message}`,
          };
        }
        return { ok: true, providerId: data?.id ?? null };
      } catch (error) {
        return { ok: false, retryable: true, error: `unexpected: ${String(error)}` };
      }
    },
  };
}
