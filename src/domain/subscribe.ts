// Signup: records a `requested` event per chosen category that is not already granted and queues
// a confirmation email. The caller answers the same way whatever happened here, so the form
// cannot be used to learn who is subscribed; and this does the same work whatever the address's
// state (one batch of the same shape, every decision a guard inside it), so the time it takes
// cannot tell either.
import type { CompiledQuery } from 'kysely';
import { findContactByEmailHash, newContactRow } from '../db/contacts.ts';
import { storeConsentTextQuery } from '../db/consent-texts.ts';
import { storeFormQuery, type StoredForm } from '../db/forms.ts';
import { emailConsentStatuses } from '../db/consents.ts';
import { contactChangedBy } from '../db/ledger.ts';
import type { ContactRow, SiteRow } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import type { Locale } from '../i18n/index.ts';
import { changeQueries } from './consent-change.ts';
import { confirmationMailQueries } from './confirmation-mail.ts';
import { notErased } from './contact-guards.ts';
import type { ConsentWording } from './consent-wording.ts';
import { emailLookupHash, mailboxHash } from './email-address.ts';

export type FormToStore = Omit<StoredForm, 'siteId'>;

/** What a signup's email half and SMS half (subscribe-sms.ts) both record. */
export interface SignupInput {
  site: SiteRow;
  locale: Locale;
  name: string;
  /** Validated: keys are opt-in categories the site offers on the channel. */
  categories: readonly string[];
  wording: ConsentWording;
  /** The exact form the submission came from, when it named one we would show now. */
  form: FormToStore | null;
  method: 'signup_form' | 'embedded_form';
  sourceUrl: string;
  ip: string | null;
  userAgent: string | null;
}

export interface SubscribeInput extends SignupInput {
  /** Validated: syntax checked. */
  email: string;
}

/** The contact the address belongs to now (an SMS signup in the same form may join it). */
export async function subscribe(deps: Deps, input: SubscribeInput): Promise<string> {
  const contactId = await onceMoreIfRaced(() => attempt(deps, input));
  deps.mailQueued();
  return contactId;
}

/**
 * Two first signups for one address (or number) at once: the loser's contact insert hits the
 * unique key and its whole batch rolls back. Once more finds the winner's contact.
 */
export async function onceMoreIfRaced<T>(attempt: () => Promise<T>): Promise<T> {
  try {
    return await attempt();
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return attempt();
  }
}

async function attempt(deps: Deps, input: SubscribeInput): Promise<string> {
  const { db } = deps;
  const now = deps.clock.now().toISOString();
  const batch = deps.newId();
  const [emailHash, inbox] = await Promise.all([
    emailLookupHash(deps.config.lookupKey, input.email),
    mailboxHash(deps.config.lookupKey, input.email),
  ]);
  const existing = await findContactByEmailHash(db, input.site.id, emailHash);
  const statuses = existing ? await emailConsentStatuses(db, existing.id) : new Map();
  const typedName = input.name.trim();
  // Encrypted whether or not it is stored: the same work for a known address as for a new one.
  const [typedEmail, name] = await Promise.all([
    deps.cipher.encrypt(input.email.trim()),
    typedName ? deps.cipher.encrypt(typedName) : null,
  ]);

  const contact = contactAfter(existing, { id: deps.newId(), siteId: input.site.id, email: typedEmail, emailHash, name, locale: input.locale, now });
  const queries: CompiledQuery[] = [storeConsentTextQuery(db, input.wording, now), contactQuery(deps, existing, contact, now)];
  if (input.form) queries.push(storeFormQuery(db, { ...input.form, siteId: input.site.id }, now));
  const wording = { ...input.wording, formSha256: input.form?.sha256 ?? null };

  // Every chosen category, granted or not: the guard (never lower a granted consent, even one a
  // concurrent confirmation just granted; nothing for a contact a concurrent erasure blanked)
  // decides, not what was read above.
  const stillThere = notErased(contact.id);
  for (const key of input.categories) {
    queries.push(
      ...(await changeQueries(
        deps,
        { site: input.site, contact },
        { key, action: 'requested', status: 'pending', method: input.method, guard: { notIn: ['granted'] }, condition: stillThere },
        { ip: input.ip, userAgent: input.userAgent, sourceUrl: input.sourceUrl, locale: input.locale },
        wording,
        now,
        batch,
      )),
    );
  }

  // The mail names what will be pending; it is queued only if this batch requested something,
  // within the inbox limit, and always built, so that a refused mail costs what a sent one does.
  const toRequest = input.categories.filter((key) => statuses.get(key) !== 'granted');
  const alreadyPending = [...statuses].filter(([, status]) => status === 'pending').map(([key]) => key);
  const named = [...new Set([...toRequest, ...alreadyPending])];
  queries.push(
    ...(await confirmationMailQueries(deps, input.site, contact, named.length > 0 ? named : input.categories, {
      mailboxHash: inbox,
      when: contactChangedBy(contact.id, batch),
    })),
  );
  await deps.atomic(queries);
  return contact.id;
}

interface Typed {
  id: string;
  siteId: string;
  /** Encrypted. */
  email: string;
  emailHash: string;
  /** Encrypted, or null when none was typed. */
  name: string | null;
  locale: Locale;
  now: string;
}

/**
 * The contact as this signup leaves it. A new one is created. An erased one comes back only
 * through a new double opt-in: the address is stored again and nothing counts as confirmed
 * until the new link is pressed (the suppression lifts then). Until someone confirms, the
 * latest submission's name and language stand; after that a form anyone can fill in must not
 * rename a confirmed contact.
 */
function contactAfter(existing: ContactRow | undefined, typed: Typed): ContactRow {
  if (!existing) {
    return newContactRow({
      id: typed.id,
      site_id: typed.siteId,
      email: typed.email,
      email_hash: typed.emailHash,
      name: typed.name,
      locale: typed.locale,
      created_at: typed.now,
    });
  }
  if (existing.email === '') return { ...existing, email: typed.email, name: typed.name, locale: typed.locale, confirmed_at: null };
  if (!existing.confirmed_at) return { ...existing, name: typed.name ?? existing.name, locale: typed.locale };
  return existing;
}

/**
 * The one statement that writes the contact row, guarded so that a concurrent change (another
 * first signup, a confirmation) is never overwritten. For a confirmed contact it is the
 * unconfirmed update, which then changes nothing: the same statement at the same cost.
 */
function contactQuery(deps: Deps, existing: ContactRow | undefined, contact: ContactRow, now: string): CompiledQuery {
  const { db } = deps;
  if (!existing) return db.insertInto('contacts').values(contact).compile();
  if (existing.email === '') {
    return db
      .updateTable('contacts')
      .set({ email: contact.email, name: contact.name, locale: contact.locale, confirmed_at: null, updated_at: now })
      .where('id', '=', existing.id)
      .where('email', '=', '')
      .compile();
  }
  return db
    .updateTable('contacts')
    .set({ name: contact.name, locale: contact.locale, updated_at: now })
    .where('id', '=', existing.id)
    .where('confirmed_at', 'is', null)
    .compile();
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Error && /UNIQUE constraint failed/i.test(error.message);
}
