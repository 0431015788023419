// Use-cases started at the same moment in one process interleave at every await, so each reads
// the state before the other writes: what they may do must be decided inside their batches.
import { beforeEach, describe, expect, it } from 'vitest';
import type { ContactRow, SiteRow } from '../../src/db/schema.ts';
import { findSite } from '../../src/db/sites.ts';
import { buildConsentWording } from '../../src/domain/consent-wording.ts';
import { confirm, loadConfirmation } from '../../src/domain/confirm.ts';
import { erasePersonalData } from '../../src/domain/erase-personal-data.ts';
import { importConsents } from '../../src/domain/import-consents.ts';
import { savePreferences } from '../../src/domain/preferences.ts';
import { purgeUnconfirmedSignups } from '../../src/domain/retention.ts';
import { listCategories } from '../../src/db/sites.ts';
import { messages } from '../../src/i18n/index.ts';
import { confirmPath, makeTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
let site: SiteRow;
beforeEach(async () => {
  t = await makeTestApp();
  site = (await findSite(t.db, 'demo'))!;
});

const row = async (email: string): Promise<ContactRow> =>
  t.db.selectFrom('contacts').selectAll().where('id', '=', (await t.contact(email)).id).executeTakeFirstOrThrow();

async function signedUp(email: string) {
  await t.signup({ email, categories: ['newsletter', 'offers'] });
  const [mail] = await t.deliver();
  return confirmPath(mail!);
}

describe('two erasures at once', () => {
  it('write one `erased` event per category, one webhook and one answer time', async () => {
    await t.request('/api/v1/sites/demo/webhooks', {
      method: 'POST',
      headers: { Authorization: `Bearer ${t.config.adminApiKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ url: 'https://hooks.example.com/assent', events: ['contact.erased'] }),
    });
    await signedUp('twice@example.com');
    const { id } = await row('twice@example.com');
    const [first, second] = await Promise.all([erasePersonalData(t.deps, id), erasePersonalData(t.deps, id)]);
    expect((await t.db.selectFrom('consent_events').select('action').where('contact_id', '=', id).where('action', '=', 'erased').execute()).length).toBe(2);
    expect(await t.db.selectFrom('webhook_deliveries').select('id').where('event_type', '=', 'contact.erased').execute()).toHaveLength(1);
    expect([first!.already, second!.already].sort()).toEqual([false, true]);
    expect(first!.erasedAt).toBe(second!.erasedAt);
  });
});

describe('the retention job racing a confirmation', () => {
  it('never erases a sign-up that confirmed while the job ran', async () => {
    t = await makeTestApp({ UNCONFIRMED_RETENTION: '1d', CONFIRM_TTL: '2d' });
    const link = await signedUp('late@example.com');
    // A day and a half later the link still works, and the sign-up is due for the purge.
    t.clock.advance(36 * 3600_000);
    const loaded = await loadConfirmation(t.deps, link.slice(3));
    expect(loaded.status).toBe('open');
    if (loaded.status !== 'open') return;
    const [purged] = await Promise.all([purgeUnconfirmedSignups(t.deps), confirm(t.deps, loaded.context, { ip: null, userAgent: null })]);
    const contact = await row('late@example.com');
    if (contact.confirmed_at) {
      expect(purged).toBe(0);
      expect(contact.email).not.toBe('');
      expect(await t.consents('late@example.com')).toEqual({ newsletter: 'granted', offers: 'granted' });
    } else {
      expect(purged).toBe(1);
      expect(await t.consents('late@example.com')).toEqual({ newsletter: 'withdrawn', offers: 'withdrawn' });
      expect(await t.db.selectFrom('outbox').select('id').where('kind', '=', 'welcome').execute()).toHaveLength(0);
    }
  });
});

describe('a change made from a page loaded before an erasure', () => {
  it('a preference save cannot grant anything to the erased contact', async () => {
    await t.request(await signedUp('gone@example.com'), { method: 'POST' });
    await t.db.updateTable('consents').set({ status: 'withdrawn' }).where('category_key', '=', 'offers').execute();
    const loaded = await row('gone@example.com');
    await erasePersonalData(t.deps, loaded.id);
    const categories = await listCategories(t.db, site, 'en');
    const wording = await buildConsentWording(site, categories, messages('en'), 'en', 'preferences');
    const changes = await savePreferences(
      t.deps,
      { site, contact: loaded },
      { optIn: ['newsletter', 'offers'], shown: ['newsletter', 'offers'], checked: ['newsletter', 'offers'] },
      wording,
      { ip: null, userAgent: null, sourceUrl: 'https://assent.test/p', locale: 'en' },
    );
    expect(changes).toEqual([]);
    expect(await t.consents('gone@example.com')).toEqual({ newsletter: 'withdrawn', offers: 'withdrawn' });
  });

  it('an import cannot grant anything to a contact erased between its reads and its write', async () => {
    // Asked for the newsletter only: the import brings offers, a category with no row yet.
    await t.signup({ email: 'imported@example.com', categories: ['newsletter'] });
    const { id } = await row('imported@example.com');
    const { atomic } = t.deps;
    let erased = false;
    const racing = {
      ...t.deps,
      async atomic(queries: Parameters<typeof atomic>[0]) {
        if (!erased) {
          erased = true;
          await erasePersonalData({ ...t.deps, atomic }, id);
        }
        return atomic(queries);
      },
    };
    const item = { email: 'imported@example.com', categories: ['offers'], method: 'paper' as const, occurredAt: '2026-10-01T00:00:00Z', evidence: 'card #7', consentText: 'Yes, send me offers.' };
    await importConsents(racing, 'demo', { apiKeyId: 'admin' }, { importId: 'race', items: [item] });
    expect(erased).toBe(true);
    expect(await t.consents('imported@example.com')).toEqual({ newsletter: 'withdrawn' });
  });
});
