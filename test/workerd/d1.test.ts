/// <reference types="@cloudflare/vitest-pool-workers/types" />
// Inside workerd, on a local D1: the batch is all or nothing (a trigger's ABORT rolls back every
// statement before it), a guarded event's evidence attaches to the row its insert wrote
// (changes() and last_insert_rowid() read the statement before), and a query that would bind
// more than D1's 100 parameters is refused with a clear message (and the ledger's seals, three
// parameters each, go in slices under it).
import { applyD1Migrations, env } from 'cloudflare:test';
import type { D1Database } from '@cloudflare/workers-types';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { openD1 } from '../../src/db/d1.ts';
import { appendEventQuery, attachEvidenceQuery, setConsentQuery } from '../../src/db/ledger.ts';
import { sealLedger } from '../../src/domain/ledger-seal.ts';

const binding = env as unknown as { DB: D1Database; TEST_MIGRATIONS: Parameters<typeof applyD1Migrations>[1] };
const NOW = '2026-11-01T09:00:00.000Z';

beforeAll(async () => {
  await applyD1Migrations(binding.DB as never, binding.TEST_MIGRATIONS);
  const { db } = openD1(binding.DB);
  await db.insertInto('sites').values({ id: 's', name: 'S', legal_name: 'S K.K.', postal_address: 'Tokyo', inquiry_contact: 'a@s.example', sender_address: null, privacy_policy_url: 'https://s.example/p', privacy_policy_version: '1', default_locale: 'en', time_zone: 'Asia/Tokyo', created_at: NOW }).execute();
  await db.insertInto('contacts').values({ id: 'c', site_id: 's', email: 'enc', email_hash: 'h', name: null, locale: 'en', created_at: NOW, updated_at: NOW }).execute();
});

const key = { siteId: 's', contactId: 'c', categoryKey: 'news', channel: 'email' } as const;
const event = (action: 'requested' | 'confirmed') => ({ ...key, action, method: 'test', occurredAt: NOW, sourceUrl: null, consentTextSha256: null, policyVersion: null, locale: 'en', evidenceMac: 'mac' });

describe('D1 through the dialect and DB.batch', () => {
  it('reads and counts as Kysely expects', async () => {
    const { db } = openD1(binding.DB);
    expect((await db.selectFrom('contacts').select('id').execute()).map((row) => row.id)).toEqual(['c']);
    const update = await db.updateTable('contacts').set({ updated_at: NOW }).where('id', '=', 'c').executeTakeFirst();
    expect(update.numUpdatedRows).toBe(1n);
  });

  it('attaches evidence to the event its guard let in, and to nothing when the guard refused', async () => {
    const { db, atomic } = openD1(binding.DB);
    const change = (action: 'requested' | 'confirmed', batch: string, guard: Parameters<typeof setConsentQuery>[4]) => [
      setConsentQuery(db, key, action === 'requested' ? 'pending' : 'granted', NOW, guard, batch),
      appendEventQuery(db, event(action), batch),
      attachEvidenceQuery(db, { ip: `ip-${batch}`, userAgent: `ua-${batch}` }),
    ];
    await atomic(change('requested', 'b1', { notIn: ['granted'] }));
    await atomic(change('confirmed', 'b2', { in: ['pending'] }));
    // Confirming again: the consent is granted, the guard lets nothing in.
    await atomic(change('confirmed', 'b3', { in: ['pending'] }));
    const rows = await sql<{ id: number; action: string; ip: string | null }>`SELECT e.id, e.action, v.ip FROM consent_events e
      LEFT JOIN event_evidence v ON v.event_id = e.id ORDER BY e.id`.execute(db);
    expect(rows.rows.map((row) => `${row.action}:${row.ip}`)).toEqual(['requested:ip-b1', 'confirmed:ip-b2']);
    expect((await db.selectFrom('event_evidence').select('event_id').execute()).length).toBe(2);
  });

  it('rolls the whole batch back when a trigger aborts its last statement', async () => {
    const { db, atomic } = openD1(binding.DB);
    const before = (await db.selectFrom('consent_events').select('id').execute()).length;
    await expect(
      atomic([
        appendEventQuery(db, event('requested'), 'never'),
        sql`INSERT INTO suppressions (site_id, email_hash, contact_id, created_at) VALUES ('s', 'x', 'c', ${NOW})`.compile(db),
        sql`UPDATE consent_events SET method = 'edited'`.compile(db),
      ]),
    ).rejects.toThrow(/append-only/);
    expect((await db.selectFrom('consent_events').select('id').execute()).length).toBe(before);
    expect(await db.selectFrom('suppressions').select('id').execute()).toEqual([]);
  });

  it('refuses a query that would bind more than 100 parameters, and takes a long list as one JSON parameter', async () => {
    const { db } = openD1(binding.DB);
    const ids = Array.from({ length: 101 }, (_, i) => `id${i}`);
    await expect(db.selectFrom('contacts').select('id').where('id', 'in', ids).execute()).rejects.toThrow(/at most 100 parameters/);
    const found = await db.selectFrom('contacts').select('id').where(sql<boolean>`id IN (SELECT value FROM json_each(${JSON.stringify([...ids, 'c'])}))`).execute();
    expect(found.map((row) => row.id)).toEqual(['c']);
  });

  it('seals a backlog of events larger than one statement may bind (three parameters a seal)', async () => {
    const { db, atomic } = openD1(binding.DB);
    // Asked and withdrawn thirty times over: sixty events, none sealed yet.
    const offers = { ...key, categoryKey: 'offers' };
    const asked = { ...event('requested'), categoryKey: 'offers' };
    for (let i = 0; i < 30; i++) {
      await atomic([setConsentQuery(db, offers, 'pending', NOW, { notIn: ['pending'] }, `a${i}`), appendEventQuery(db, asked, `a${i}`)]);
      await atomic([setConsentQuery(db, offers, 'withdrawn', NOW, { in: ['pending'] }, `w${i}`), appendEventQuery(db, { ...asked, action: 'withdrawn' }, `w${i}`)]);
    }
    const events = (await db.selectFrom('consent_events').select('id').execute()).length;
    expect(events).toBeGreaterThan(60);
    expect(await sealLedger({ db, atomic, clock: { now: () => new Date(NOW) } })).toBe(events);
    expect((await db.selectFrom('ledger_seals').select('event_id').execute()).length).toBe(events);
  });
});
