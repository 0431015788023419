import { describe, expect, it } from 'vitest';
import { sealLedger, verifyLedger } from '../../src/domain/ledger-seal.ts';
import { purgeUnconfirmedSignups } from '../../src/domain/retention.ts';
import { recordPlans } from '../helpers/query-plans.ts';
import { ADMIN_KEY, confirmPath, makeTestApp } from '../helpers/test-app.ts';

const DAY = 86_400_000;

describe('retention of unconfirmed sign-ups', () => {
  it('removes their personal data after 30 days, records it in the ledger, and spares confirmed ones', async () => {
    const t = await makeTestApp();
    await t.signup({ email: 'stale@example.com', name: 'Stale', categories: ['newsletter', 'offers'] });
    await t.signup({ email: 'kept@example.com', categories: ['newsletter'] });
    const mails = await t.deliver();
    await t.request(confirmPath(mails.find((m) => m.to[0] === 'kept@example.com')!), { method: 'POST' });
    await t.deliver(); // the welcome email

    t.clock.advance(29 * DAY);
    expect(await purgeUnconfirmedSignups(t.deps)).toBe(0);
    t.clock.advance(2 * DAY);
    expect(await purgeUnconfirmedSignups(t.deps)).toBe(1);
    expect(await purgeUnconfirmedSignups(t.deps)).toBe(0); // done once

    const stale = await t.db.selectFrom('contacts').selectAll().where('email', '=', '').executeTakeFirstOrThrow();
    expect(stale.name).toBeNull();
    expect((await t.contact('kept@example.com')).email).toBe('kept@example.com');
    const events = await t.events('stale@example.com');
    expect(events.filter((e) => e.action === 'erased').map((e) => `${e.category_key}:${e.method}`)).toEqual([
      'newsletter:retention_purge',
      'offers:retention_purge',
    ]);
    expect(events.every((e) => e.ip === null)).toBe(true);
    expect(await t.consents('stale@example.com')).toEqual({ newsletter: 'withdrawn', offers: 'withdrawn' });
    // Forgotten, not blocked: no suppression entry, and the address may sign up again.
    expect(await t.db.selectFrom('suppressions').selectAll().execute()).toEqual([]);
    expect((await t.signup({ email: 'stale@example.com', categories: ['offers'] })).status).toBe(200);
    expect((await t.deliver()).map((m) => m.to[0])).toEqual(['stale@example.com']);
    await sealLedger(t.deps);
    expect((await verifyLedger(t.deps)).ok).toBe(true);
  });

  it('follows UNCONFIRMED_RETENTION and never purges an imported (granted) contact', async () => {
    const t = await makeTestApp({ UNCONFIRMED_RETENTION: '7d' });
    await t.signup({ email: 'week@example.com', categories: ['newsletter'] });
    const imported = await t.request('/api/v1/sites/demo/imports', {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        importId: 'paper-2026-10',
        items: [{ email: 'paper@example.com', categories: ['newsletter'], method: 'paper', occurredAt: '2026-10-01T10:00:00Z', evidence: 'card #3', consentText: 'Yes, send me news.' }],
      }),
    });
    expect(imported.status).toBe(201);
    t.clock.advance(8 * DAY);
    expect(await purgeUnconfirmedSignups(t.deps)).toBe(1);
    expect((await t.contact('paper@example.com')).email).toBe('paper@example.com');
  });

  it('finds them through an index of unconfirmed sign-ups, not by reading every contact', async () => {
    const t = await makeTestApp();
    const plans = recordPlans(t.sqlite, (source) => source.includes('"confirmed_at" is null'));
    await purgeUnconfirmedSignups(t.deps);
    expect(plans).toContain('SEARCH contacts USING INDEX contacts_unconfirmed (created_at<?)');
    expect(plans.some((detail) => detail.startsWith('SCAN contacts'))).toBe(false);
  });
});
