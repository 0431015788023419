// The console's contacts of a site: found by their exact address only (by its lookup hash: there
// is no listing of addresses), each with its consents, the printable proof, link revocation and
// erasure: the same use-cases the operator API calls. Every read and change is audited with the
// operator's id.
import { Hono } from 'hono';
import type { AppContext, AppEnv } from '../../app-env.ts';
import { listConsents } from '../../db/consents.ts';
import { findContact, findContactByEmailHash, findContactByPhoneHash } from '../../db/contacts.ts';
import type { ContactRow, SiteRow } from '../../db/schema.ts';
import { listCategories } from '../../db/sites.ts';
import { buildContactRecord } from '../../domain/contact-record.ts';
import { checkEmail, emailLookupHash } from '../../domain/email-address.ts';
import { erasePersonalData } from '../../domain/erase-personal-data.ts';
import { evidenceHold } from '../../domain/evidence-hold.ts';
import { revokeContactLinks } from '../../domain/links.ts';
import { formatDateTime, messages } from '../../i18n/index.ts';
import { normalisePhone, phoneLookupHash } from '../../sms/phone.ts';
import { ContactPage, ContactSearchPage, EraseConfirmPage, type ContactView } from '../../../views/admin/contact-pages.tsx';
import { ProofPage } from '../../../views/pages/proof.tsx';
import { notFoundPage, page } from '../render.tsx';
import { auditContact, copy, mayChange, redirect, siteFor, viewerRefused } from './shared.ts';

export const contactPages = new Hono<AppEnv>();

contactPages.get('/', async (c) => {
  const site = await siteFor(c);
  if (!site) return notFoundPage(c);
  const email = (c.req.query('email') ?? '').trim();
  const phone = (c.req.query('phone') ?? '').trim();
  const { db, config } = c.var.deps;
  let contact: ContactRow | undefined;
  if (email && checkEmail(email) === null) contact = await findContactByEmailHash(db, site.id, await emailLookupHash(config.lookupKey, email));
  else if (phone) {
    const normal = normalisePhone(phone, site.default_country);
    const hash = normal.ok ? await phoneLookupHash(config.lookupKey, normal.e164) : null;
    contact = hash ? await findContactByPhoneHash(db, site.id, hash) : undefined;
  }
  if (contact) return redirect(c, `/admin/sites/${site.id}/contacts/${contact.id}?lang=${copy(c).lang}`);
  const searched = email !== '' || phone !== '';
  return page(c, searched ? 404 : 200, <ContactSearchPage {...copy(c)} site={site} email={email} phone={phone} notFound={searched} />);
});

/** The site and the contact of the path, if this operator may see them. */
async function contactFor(c: AppContext): Promise<{ site: SiteRow; contact: ContactRow } | null> {
  const site = await siteFor(c);
  const contact = site && (await findContact(c.var.deps.db, site.id, c.req.param('id') ?? ''));
  return site && contact ? { site, contact } : null;
}

contactPages.get('/:id', async (c) => {
  const found = await contactFor(c);
  if (!found) return notFoundPage(c);
  await auditContact(c, found.site, found.contact.id, 200);
  const notice = { revoked: copy(c).t.contacts.revoked, erased: copy(c).t.contacts.erased }[c.req.query('done') ?? ''] ?? null;
  return page(c, 200, <ContactPage {...copy(c)} site={found.site} contact={await contactView(c, found.site, found.contact)} mayChange={mayChange(c.var.operator)} notice={notice} />);
});

contactPages.get('/:id/proof', async (c) => {
  const found = await contactFor(c);
  if (!found) return notFoundPage(c);
  await auditContact(c, found.site, found.contact.id, 200);
  const { lang } = copy(c);
  return page(c, 200, <ProofPage t={messages(lang)} lang={lang} record={await buildContactRecord(c.var.deps, found.site, found.contact)} />);
});

contactPages.post('/:id/revoke-links', async (c) => {
  const found = await contactFor(c);
  if (!found) return notFoundPage(c);
  if (!mayChange(c.var.operator)) return viewerRefused(c);
  await revokeContactLinks(c.var.deps, found.contact.id);
  await auditContact(c, found.site, found.contact.id, 303);
  return redirect(c, `/admin/sites/${found.site.id}/contacts/${found.contact.id}?lang=${copy(c).lang}&done=revoked`);
});

contactPages.get('/:id/erase', async (c) => {
  const found = await contactFor(c);
  if (!found) return notFoundPage(c);
  if (!mayChange(c.var.operator)) return viewerRefused(c);
  await auditContact(c, found.site, found.contact.id, 200);
  const { lang } = copy(c);
  // What an erasure now would keep: the evidence of a contact that was mailed, until its hold ends.
  const hold = evidenceHold(c.var.deps.config, { ...found.contact, email: '' });
  const holdUntil = hold ? formatDateTime(lang, found.site.time_zone, new Date(hold.until)) : null;
  // Who it is: the address, or the number of a contact that has none.
  const email = (await c.var.deps.cipher.decrypt(found.contact.email)) || (found.contact.phone ? await c.var.deps.cipher.decrypt(found.contact.phone) : '');
  return page(c, 200, <EraseConfirmPage {...copy(c)} site={found.site} contact={{ id: found.contact.id, email }} holdUntil={holdUntil} />);
});

contactPages.post('/:id/erase', async (c) => {
  const found = await contactFor(c);
  if (!found) return notFoundPage(c);
  if (!mayChange(c.var.operator)) return viewerRefused(c);
  await auditContact(c, found.site, found.contact.id, 303);
  await erasePersonalData(c.var.deps, found.contact.id);
  return redirect(c, `/admin/sites/${found.site.id}/contacts/${found.contact.id}?lang=${copy(c).lang}&done=erased`);
});


async function contactView(c: AppContext, site: SiteRow, contact: ContactRow): Promise<ContactView> {
  const { lang } = copy(c);
  const { deps } = c.var;
  const moment = (iso: string) => formatDateTime(lang, site.time_zone, new Date(iso));
  const names = new Map((await listCategories(deps.db, site, lang)).map((category) => [category.key, category.name]));
  const erased = contact.email === '';
  return {
    id: contact.id,
    email: erased ? '' : await deps.cipher.decrypt(contact.email),
    phone: contact.phone ? await deps.cipher.decrypt(contact.phone) : null,
    name: contact.name ? await deps.cipher.decrypt(contact.name) : null,
    locale: contact.locale,
    createdAt: moment(contact.created_at),
    confirmedAt: contact.confirmed_at ? moment(contact.confirmed_at) : null,
    erased,
    consents: (await listConsents(deps.db, contact.id)).map((row) => ({
      category: names.get(row.category_key) ?? row.category_key,
      channel: row.channel,
      status: row.status,
      since: moment(row.updated_at),
    })),
  };
}
