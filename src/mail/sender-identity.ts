// Who a mail says it is from, and the headers that tell mailbox providers what it is. People
// recognise the site, not the service: without a sender address of its own, a site's mail goes
// from its name at MAIL_FROM's address ("Demo Shop <onboarding@resend.dev>"), never from
// "assent". Replies go to the site's inquiry contact when that is an address. Every mail names
// its site and kind for Gmail's feedback loop (Feedback-ID); marketing mail carries a List-Id.
import type { SiteRow } from '../db/schema.ts';
import { checkEmail } from '../domain/email-address.ts';
import { headerSafe } from './header-values.ts';

/** The address part of "Name <address>" or a bare address. */
export function addressOf(mailbox: string): string {
  return /<([^<>]+)>\s*$/.exec(mailbox)?.[1]?.trim() ?? mailbox.trim();
}

/** A display name as RFC 5322 wants it: quoted when it holds anything but plain words. */
export function displayName(name: string): string {
  const clean = headerSafe(name).trim();
  return /^[\p{L}\p{N} !#$%&'*+\-/=?^_`{|}~]+$/u.test(clean) ? clean : `"${clean.replace(/["\\]/g, '\\$&')}"`;
}

export function siteSender(site: Pick<SiteRow, 'name' | 'sender_address'>, mailFrom: string): string {
  return site.sender_address ?? `${displayName(site.name)} <${addressOf(mailFrom)}>`;
}

export interface IdentityOptions {
  /** The outbox kind: confirmation, welcome, unsubscribe_link... */
  kind: string;
  baseUrl: string;
  /** Marketing mail (the welcome, senders' campaigns): it carries a List-Id. */
  marketing: boolean;
}

/** The List-Id of a site's marketing mail: <{site}.{BASE_URL host}>. */
export function listId(site: Pick<SiteRow, 'id'>, baseUrl: string): string {
  return `<${site.id}.${new URL(baseUrl).hostname}>`;
}

export function identityHeaders(site: Pick<SiteRow, 'id' | 'inquiry_contact'>, options: IdentityOptions): Record<string, string> {
  const headers: Record<string, string> = { 'Feedback-ID': `${options.kind}:${site.id}:assent` };
  const inquiry = site.inquiry_contact.trim();
  if (checkEmail(inquiry) === null) headers['Reply-To'] = inquiry;
  if (options.marketing) headers['List-Id'] = listId(site, options.baseUrl);
  return headers;
}
