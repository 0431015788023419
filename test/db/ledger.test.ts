// The guards that make ledger writes safe under concurrency, exercised directly: the route-level
// checks run first in practice, so only a race reaches these.
import { describe, expect, it } from 'vitest';
import { appendEventQuery, setConsentQuery, type LedgerEvent, type StatusGuard } from '../../src/db/ledger.ts';
import { makeTestApp } from '../helpers/test-app.ts';

const NOW = '2026-11-01T09:00:00.000Z';

async function setup(status: 'pending' | 'granted' | 'withdrawn' | null) {
  const t = await makeTestApp();
  await t.db
    .insertInto('contacts')
    .values({ id: 'c1', site_id: 'demo', email: 'a@example.com', email_hash: 'h', name: null, locale: 'en', confirmed_at: null, created_at: NOW, updated_at: NOW })
    .execute();
  if (status) {
    await t.db
      .insertInto('consents')
      .values({ contact_id: 'c1', category_key: 'newsletter', channel: 'email', site_id: 'demo', status, updated_at: NOW })
      .execute();
  }
  return t;
}

const target = { siteId: 'demo', contactId: 'c1', categoryKey: 'newsletter', channel: 'email' } as const;
const event = (action: LedgerEvent['action']): LedgerEvent => ({
  ...target,
  action,
  method: 'test',
  occurredAt: NOW,
  sourceUrl: null,
  evidenceMac: null,
  consentTextSha256: null,
  policyVersion: null,
  locale: 'en',
});

async function apply(t: Awaited<ReturnType<typeof setup>>, action: LedgerEvent['action'], status: 'pending' | 'granted', guard: StatusGuard) {
  await t.deps.atomic([setConsentQuery(t.db, target, status, NOW, guard, 'batch-1'), appendEventQuery(t.db, event(action), 'batch-1')]);
  const state = await t.db.selectFrom('consents').select('status').executeTakeFirst();
  const events = await t.db.selectFrom('consent_events').select('action').execute();
  return { status: state?.status ?? null, events: events.map((e) => e.action) };
}

describe('guarded ledger writes', () => {
  it('a request never lowers a granted consent, and records nothing then', async () => {
    expect(await apply(await setup('granted'), 'requested', 'pending', { notIn: ['granted'] })).toEqual({ status: 'granted', events: [] });
  });

  it.each([[null], ['withdrawn'], ['pending']] as const)('a request turns %s into pending with its event', async (before) => {
    expect(await apply(await setup(before), 'requested', 'pending', { notIn: ['granted'] })).toEqual({ status: 'pending', events: ['requested'] });
  });

  it('a confirmation grants only what is pending', async () => {
    expect(await apply(await setup('pending'), 'confirmed', 'granted', { in: ['pending'] })).toEqual({ status: 'granted', events: ['confirmed'] });
    expect(await apply(await setup('withdrawn'), 'confirmed', 'granted', { in: ['pending'] })).toEqual({ status: 'withdrawn', events: [] });
  });
});
