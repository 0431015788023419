// Signup: records a `requested` event per chosen category that is not already granted and queues
// a confirmation email. The caller answers the same way whatever happened here, so the form
// cannot be used to learn who is subscribed.
import type { CompiledQuery } from 'kysely';
import { findContactByEmailHash } from '../db/contacts.ts';
import { storeConsentTextQuery } from '../db/consent-texts.ts';
import { emailConsentStatuses } from '../db/consents.ts';
import type { ContactRow, SiteRow } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import type { Locale } from '../i18n/index.ts';
import { changeQueries } from './consent-change.ts';
import { confirmationMailQueries, mayMailConfirmation } from './confirmation-mail.ts';
import type { ConsentWording } from './consent-wording.ts';
import { emailLookupHash } from './email-address.ts';

export interface SubscribeInput {
  site: SiteRow;
  locale: Locale;
  /** Validated: syntax checked, keys are opt-in categories of the site. */
  email: string;
  name: string;
  categories: readonly string[];
  wording: ConsentWording;
  method: 'signup_form' | 'embedded_form';
  sourceUrl: string;
  ip: string | null;
  userAgent: string | null;
}

export type SubscribeOutcome = 'requested' | 'already_granted' | 'throttled';

export async function subscribe(deps: Deps, input: SubscribeInput): Promise<SubscribeOutcome> {
  try {
    return await attempt(deps, input);
  } catch (error) {
    // Two first signups for one address at once: the loser's contact insert hits the unique
    // key and its whole batch rolls back. Once more finds the winner's contact.
    if (!isUniqueViolation(error)) throw error;
    return attempt(deps, input);
  }
}

async function attempt(deps: Deps, input: SubscribeInput): Promise<SubscribeOutcome> {
  const { db } = deps;
  const now = deps.clock.now().toISOString();
  const emailHash = await emailLookupHash(deps.config.lookupKey, input.email);
  const existing = await findContactByEmailHash(db, input.site.id, emailHash);
  const statuses = existing ? await emailConsentStatuses(db, existing.id) : new Map();
  const toRequest = input.categories.filter((key) => statuses.get(key) !== 'granted');
  if (toRequest.length === 0) return 'already_granted';

  const typedName = input.name.trim();
  const name = typedName ? await deps.cipher.encrypt(typedName) : null;
  const contact: ContactRow = existing ?? {
    id: deps.newId(),
    site_id: input.site.id,
    email: await deps.cipher.encrypt(input.email.trim()),
    email_hash: emailHash,
    name,
    locale: input.locale,
    confirmed_at: null,
    created_at: now,
    updated_at: now,
    token_epoch: 0,
  };
  const queries: CompiledQuery[] = [
    storeConsentTextQuery(db, input.wording, now),
  ];
  if (!existing) {
    queries.push(db.insertInto('contacts').values(contact).compile());
  } else if (existing.email === '') {
    // An erased contact comes back only through a new double opt-in: the address is stored
    // again (encrypted) and nothing counts as confirmed until the new link is pressed; the
    // suppression entry lifts on that confirmation.
    contact.email = await deps.cipher.encrypt(input.email.trim());
    contact.name = name;
    contact.locale = input.locale;
    contact.confirmed_at = null;
    queries.push(
      db
        .updateTable('contacts')
        .set({ email: contact.email, name, locale: input.locale, confirmed_at: null, updated_at: now })
        .where('id', '=', existing.id)
        .where('email', '=', '')
        .compile(),
    );
  } else if (!existing.confirmed_at) {
    // Until someone confirms, the latest submission's name and language stand; after that,
    // a form anyone can fill in must not rename a confirmed contact.
    contact.name = name ?? existing.name;
    contact.locale = input.locale;
    queries.push(
      db
        .updateTable('contacts')
        .set({ name: contact.name, locale: contact.locale, updated_at: now })
        .where('id', '=', existing.id)
        .where('confirmed_at', 'is', null)
        .compile(),
    );
  }
  // Guarded so that a granted consent is never lowered, even by a concurrent confirmation.
  for (const key of toRequest) {
    queries.push(
      ...(await changeQueries(
        deps,
        { site: input.site, contact },
        { key, action: 'requested', status: 'pending', method: input.method, guard: { notIn: ['granted'] } },
        { ip: input.ip, userAgent: input.userAgent, sourceUrl: input.sourceUrl, locale: input.locale },
        input.wording,
        now,
      )),
    );
  }

  const pending = [...new Set([...toRequest, ...[...statuses].filter(([, s]) => s === 'pending').map(([k]) => k)])];
  const mayMail = !existing || (await mayMailConfirmation(deps, existing.id));
  if (mayMail) queries.push(...(await confirmationMailQueries(deps, input.site, contact, pending)));

  await deps.atomic(queries);
  if (mayMail) deps.mailQueued();
  return mayMail ? 'requested' : 'throttled';
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Error && /UNIQUE constraint failed/i.test(error.message);
}
