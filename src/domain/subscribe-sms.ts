// Signup for text messages: the SMS half of a signup. Records a `requested` event (channel sms)
// per chosen category not already granted and texts a 6-digit code to the number, which the
// person types on the page the signup answered with (sms-confirm.ts). As with email, the batch
// has the same shape whatever the number's state, and the answer is the same, so the form tells
// nobody who is subscribed. The limits on codes per number (3 an hour, 10 a day) are conditions
// of the statement that stores the code: parallel signups cannot get past them.
import { sql, type CompiledQuery } from 'kysely';
import { contactChangedBy } from '../db/ledger.ts';
import { findContact, findContactByPhoneHash, newContactRow } from '../db/contacts.ts';
import { storeConsentTextQuery } from '../db/consent-texts.ts';
import { storeFormQuery } from '../db/forms.ts';
import type { ContactRow, SiteRow } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { messages, type Locale } from '../i18n/index.ts';
import { phoneLookupHash } from '../sms/phone.ts';
import { enqueueSmsQuery } from '../sms/outbox.ts';
import { changeQueries } from './consent-change.ts';
import { optOutLink, smsOptOutLine } from './sms-opt-out.ts';
import { notErased } from './contact-guards.ts';
import { hmacSha256Hex } from './ids.ts';
import { onceMoreIfRaced, type SignupInput } from './subscribe.ts';

export const CODE_TTL_SECONDS = 10 * 60;
export const CODE_TRIES = 5;
export const CODES_PER_HOUR = 3;
export const CODES_PER_DAY = 10;
/** The code page's token outlives its code a little, so a late visitor is told to ask for another. */
const CODE_PAGE_TTL_SECONDS = 30 * 60;

export interface SmsSignupInput extends SignupInput {
  /** Normalised (sms/phone.ts). */
  e164: string;
  /** The contact the same signup's email half used: the number joins it when it has none. */
  emailContactId: string | null;
}

/** The contact the number belongs to now (the code page's subject), whatever happened. */
export async function subscribeSms(deps: Deps, input: SmsSignupInput): Promise<string> {
  const contactId = await onceMoreIfRaced(() => attempt(deps, input));
  deps.smsQueued?.();
  return contactId;
}

async function attempt(deps: Deps, input: SmsSignupInput): Promise<string> {
  const { db, config } = deps;
  const now = deps.clock.now();
  const at = now.toISOString();
  const batch = deps.newId();
  const numberHash = await phoneLookupHash(config.lookupKey, input.e164);
  const [encryptedPhone, byNumber, byEmail] = await Promise.all([
    deps.cipher.encrypt(input.e164),
    findContactByPhoneHash(db, input.site.id, numberHash),
    input.emailContactId ? findContact(db, input.site.id, input.emailContactId) : undefined,
  ]);
  const queries: CompiledQuery[] = [storeConsentTextQuery(db, input.wording, at)];
  if (input.form) queries.push(storeFormQuery(db, { ...input.form, siteId: input.site.id }, at));

  let contact: ContactRow;
  if (byNumber) contact = byNumber;
  else if (byEmail && byEmail.phone_hash === null && byEmail.email !== '') {
    // The address signing up now gets the number too (unless a concurrent signup gave it one).
    contact = { ...byEmail, phone: encryptedPhone, phone_hash: numberHash };
    queries.push(db.updateTable('contacts').set({ phone: encryptedPhone, phone_hash: numberHash, updated_at: at }).where('id', '=', byEmail.id).where('phone_hash', 'is', null).compile());
  } else {
    const id = deps.newId();
    const name = input.name.trim() ? await deps.cipher.encrypt(input.name.trim()) : null;
    // No address: the encryption of an empty one (erasure blanks it to '', which marks an erased
    // contact), and a lookup hash no address has (migration 0024).
    contact = {
      ...newContactRow({ id, site_id: input.site.id, email: await deps.cipher.encrypt(''), email_hash: `none:${id}`, name, locale: input.locale, created_at: at }),
      phone: encryptedPhone,
      phone_hash: numberHash,
    };
    queries.push(db.insertInto('contacts').values(contact).compile());
  }

  const wording = { ...input.wording, formSha256: input.form?.sha256 ?? null };
  // Requested (and a code texted) only while the contact holds this number as the batch runs: a
  // concurrent signup that gave the address's contact another number first gets neither.
  const stillThere = sql<boolean>`${notErased(contact.id)} AND EXISTS (SELECT 1 FROM contacts WHERE id = ${contact.id} AND phone_hash = ${numberHash})`;
  for (const key of input.categories) {
    queries.push(
      ...(await changeQueries(
        deps,
        { site: input.site, contact },
        { key, channel: 'sms', action: 'requested', status: 'pending', method: input.method, guard: { notIn: ['granted'] }, condition: stillThere },
        { ip: input.ip, userAgent: input.userAgent, sourceUrl: input.sourceUrl, locale: input.locale },
        wording,
        at,
        batch,
      )),
    );
  }
  queries.push(...(await codeQueries(deps, input.site, contact, encryptedPhone, numberHash, input.categories, contactChangedBy(contact.id, batch), now)));
  await deps.atomic(queries);
  return contact.id;
}

/**
 * A new code for these categories, and its SMS: stored only when `when` holds and the number
 * is within its limits as the statement runs, and texted only if it was stored.
 */
export async function codeQueries(
  deps: Deps,
  site: SiteRow,
  contact: Pick<ContactRow, 'id' | 'locale'>,
  encryptedPhone: string,
  numberHash: string,
  categories: readonly string[],
  when: ReturnType<typeof contactChangedBy>,
  now: Date,
): Promise<CompiledQuery[]> {
  const { db } = deps;
  const id = deps.newId();
  const code = sixDigits();
  const hourAgo = new Date(now.getTime() - 3600_000).toISOString();
  const dayAgo = new Date(now.getTime() - 86_400_000).toISOString();
  const expiresAt = new Date(now.getTime() + CODE_TTL_SECONDS * 1000);
  const within = sql<boolean>`(SELECT count(*) FROM sms_codes WHERE number_hash = ${numberHash} AND created_at > ${hourAgo}) < ${CODES_PER_HOUR}
    AND (SELECT count(*) FROM sms_codes WHERE number_hash = ${numberHash} AND created_at > ${dayAgo}) < ${CODES_PER_DAY}`;
  const row = {
    id,
    site_id: site.id,
    contact_id: contact.id,
    number_hash: numberHash,
    code_hash: await codeHash(deps.config.lookupKey, id, code),
    categories: JSON.stringify(categories),
    attempts: 0,
    created_at: now.toISOString(),
    expires_at: expiresAt.toISOString(),
    spent_at: null,
  };
  const columns = Object.keys(row) as (keyof typeof row)[];
  const store = db
    .insertInto('sms_codes')
    .columns(columns)
    .expression(db.selectNoFrom((eb) => columns.map((column) => eb.val(row[column]).as(column))).where(sql<boolean>`${when} AND ${within}`))
    .compile();
  const locale = contact.locale as Locale;
  // Every SMS we send ends with its short opt-out link (sms-opt-out.ts), the code too.
  const optOut = await optOutLink(deps, { siteId: site.id, contactId: contact.id });
  const text = enqueueSmsQuery(
    db,
    {
      id: `code-${id}`,
      siteId: site.id,
      contactId: contact.id,
      kind: 'sms_code',
      encryptedTo: encryptedPhone,
      numberHash,
      body: `${messages(locale).smsCode.message(site.name, code)}\n${smsOptOutLine(locale, optOut.url)}`,
      expiresAt,
    },
    now,
    sql<boolean>`EXISTS (SELECT 1 FROM sms_codes WHERE id = ${id})`,
  );
  return [store, ...optOut.queries, text];
}

/** The code as stored: keyed by LOOKUP_KEY and its row, so a leaked table gives no codes away. */
export function codeHash(lookupKey: string, codeId: string, code: string): Promise<string> {
  return hmacSha256Hex(lookupKey, `sms-code:${codeId}:${code}`);
}

/** 000000-999999, uniform (rejection sampling over 32-bit values). */
function sixDigits(): string {
  const limit = Math.floor(0x1_0000_0000 / 1_000_000) * 1_000_000;
  const buffer = new Uint32Array(1);
  for (;;) {
    crypto.getRandomValues(buffer);
    if (buffer[0]! < limit) return String(buffer[0]! % 1_000_000).padStart(6, '0');
  }
}

/** The token of the page that takes the code. */
export function codePageToken(deps: Pick<Deps, 'tokens'>, site: SiteRow, contactId: string): Promise<string> {
  return deps.tokens.sign({ purpose: 'sms_code', subject: contactId, site: site.id }, CODE_PAGE_TTL_SECONDS);
}
