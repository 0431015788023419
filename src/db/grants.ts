// The grant in force of a consent: the latest event that granted it (an import's `granted`, a
// double opt-in's `confirmed`, a preference page's `granted`). Its basis says how long it lasts,
// and the time its terms were shown says whether a material change of the terms came after.
// An undo of an unsubscribe restores the grant before it and grants nothing itself, so it is
// never the grant in force (or an unsubscribe and an undo would renew an expired basis).
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Channel, ConsentBasis, Database } from './schema.ts';

/** SQL: the id of the grant in force of a contact's consent for a category (values or column references), or NULL. */
export function grantInForceId(contact: string | RawBuilder<unknown>, categoryKey: string | RawBuilder<unknown>, channel: Channel = 'email'): RawBuilder<number | null> {
  // resubscribed: START after STOP by SMS reply gives back a grant.
  return sql<number | null>`(SELECT max(id) FROM consent_events WHERE contact_id = ${contact}
    AND category_key = ${categoryKey} AND channel = ${channel} AND action IN ('granted', 'confirmed', 'resubscribed')
    AND method <> 'unsubscribe_undo')`;
}

/**
 * SQL over the grant event aliased `alias`: when the person was shown the terms it agreed to. A
 * confirmation agrees to what its request's form showed (the confirmation page names the
 * categories, not their terms), so it counts from that request; any other grant from itself.
 */
export function termsShownAt(alias: string): RawBuilder<string | null> {
  const g = (column: string) => sql.ref(`${alias}.${column}`);
  return sql<string | null>`CASE WHEN ${g('action')} = 'confirmed' THEN coalesce((SELECT r.occurred_at FROM consent_events r
      WHERE r.contact_id = ${g('contact_id')} AND r.category_key = ${g('category_key')} AND r.channel = ${g('channel')}
      AND r.action = 'requested' AND r.method <> 'unsubscribe_undo' AND r.id < ${g('id')} ORDER BY r.id DESC LIMIT 1), ${g('occurred_at')})
    ELSE ${g('occurred_at')} END`;
}

/** SQL condition: the consent's grant in force is still `eventId` (nothing granted it since). */
export function grantStillInForce(contactId: string, categoryKey: string, eventId: number): RawBuilder<boolean> {
  return sql<boolean>`${grantInForceId(contactId, categoryKey)} = ${eventId}`;
}

export interface GrantInForce {
  eventId: number;
  basis: ConsentBasis | null;
  relationshipAt: string | null;
  termsShownAt: string;
}

/** The grant in force of each of a contact's granted consents, by category. */
export async function grantsInForce(db: Kysely<Database>, contactId: string, channel: Channel = 'email'): Promise<Map<string, GrantInForce>> {
  const rows = await db
    .selectFrom('consents as s')
    .innerJoin('consent_events as g', (join) => join.on(sql<boolean>`g.id = ${grantInForceId(sql.ref('s.contact_id'), sql.ref('s.category_key'), channel)}`))
    .select(['s.category_key', 'g.id', 'g.basis', 'g.relationship_at', termsShownAt('g').as('terms_shown_at')])
    .where('s.contact_id', '=', contactId)
    .where('s.channel', '=', channel)
    .where('s.status', '=', 'granted')
    .execute();
  return new Map(
    rows.map((row) => [
      row.category_key,
      { eventId: row.id, basis: row.basis, relationshipAt: row.relationship_at, termsShownAt: row.terms_shown_at ?? '' },
    ]),
  );
}
