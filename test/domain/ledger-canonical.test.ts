// The sealed canonical form of an event: columns added later join it only when set, so events
// sealed before keep their hashes, and no value can move from one column to another unseen.
import { describe, expect, it } from 'vitest';
import type { ConsentEventRow } from '../../src/db/schema.ts';
import { canonicalEvent } from '../../src/domain/ledger-seal.ts';
import { makeTestApp, confirmPath } from '../helpers/test-app.ts';

const base: ConsentEventRow = {
  id: 7,
  site_id: 'demo',
  contact_id: 'c1',
  category_key: 'newsletter',
  channel: 'email',
  action: 'requested',
  method: 'signup_form',
  occurred_at: '2026-11-01T09:00:00.000Z',
  source_url: 'https://assent.test/s/demo',
  consent_text_sha256: 'a'.repeat(64),
  policy_version: '2026-01',
  locale: 'en',
  evidence_mac: 'b'.repeat(64),
  actor: null,
  basis: null,
  relationship_at: null,
  form_sha256: null,
  contact_seq: null,
};
const THIRTEEN = '[7,"demo","c1","newsletter","email","requested","signup_form","2026-11-01T09:00:00.000Z","https://assent.test/s/demo",' +
  `"${'a'.repeat(64)}","2026-01","en","${'b'.repeat(64)}"`;

describe('canonicalEvent', () => {
  it('is the 13 columns it always was for an event without the later columns (and without them at all)', () => {
    expect(canonicalEvent(base)).toBe(`${THIRTEEN}]`);
    // A row read from a database not migrated yet has no such keys at all.
    const beforeMigrations: Partial<ConsentEventRow> = { ...base };
    delete beforeMigrations.actor;
    delete beforeMigrations.form_sha256;
    delete beforeMigrations.contact_seq;
    expect(canonicalEvent(beforeMigrations as ConsentEventRow)).toBe(`${THIRTEEN}]`);
    expect(canonicalEvent({ ...base, actor: 'api_key:k1' })).toBe(`${THIRTEEN},"api_key:k1"]`);
  });

  it('adds the contact’s count (0 included) and the form in one trailing object', () => {
    expect(canonicalEvent({ ...base, contact_seq: 0 })).toBe(`${THIRTEEN},{"contact_seq":0}]`);
    expect(canonicalEvent({ ...base, contact_seq: 3, form_sha256: 'f'.repeat(64) })).toBe(`${THIRTEEN},{"contact_seq":3,"form_sha256":"${'f'.repeat(64)}"}]`);
    expect(canonicalEvent({ ...base, actor: 'api_key:k1', contact_seq: 2 })).toBe(`${THIRTEEN},"api_key:k1",{"contact_seq":2}]`);
  });

  it('never reads the same for a value in another column', () => {
    const forms = [
      canonicalEvent({ ...base, actor: 'x' }),
      canonicalEvent({ ...base, form_sha256: 'x' }),
      canonicalEvent({ ...base, actor: 'x', form_sha256: 'x' }),
      canonicalEvent({ ...base, contact_seq: 1 }),
      canonicalEvent({ ...base, actor: '1' }),
    ];
    expect(new Set(forms).size).toBe(forms.length);
  });
});

describe('contact_seq', () => {
  it('counts the contact’s own earlier events as each is written, whoever else writes in between', async () => {
    const t = await makeTestApp();
    await t.signup({ email: 'alice@example.com', categories: ['newsletter', 'offers'] });
    const [aliceMail] = await t.deliver();
    await t.signup({ email: 'bob@example.com', categories: ['offers'] });
    t.clock.advance(60_000);
    await t.request(confirmPath(aliceMail!), { method: 'POST' });
    await t.signup({ email: 'bob@example.com', categories: ['newsletter'] });
    const rows = await t.db.selectFrom('consent_events').select(['contact_id', 'category_key', 'action', 'contact_seq']).orderBy('id').execute();
    const alice = (await t.contact('alice@example.com')).id;
    const who = (id: string) => (id === alice ? 'alice' : 'bob');
    expect(rows.map((r) => `${who(r.contact_id)}:${r.category_key}:${r.action}:${r.contact_seq}`)).toEqual([
      'alice:newsletter:requested:0',
      'alice:offers:requested:1',
      'bob:offers:requested:0',
      'alice:newsletter:confirmed:2',
      'alice:offers:confirmed:3',
      'bob:newsletter:requested:1',
    ]);
  });
});
