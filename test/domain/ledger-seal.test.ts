import { beforeEach, describe, expect, it } from 'vitest';
import { erasePersonalData } from '../../src/domain/erase-personal-data.ts';
import { sealLedger, verifyLedger } from '../../src/domain/ledger-seal.ts';
import { confirmPath, makeTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;

/** Three contacts, each with requests and a confirmation: a dozen events. */
beforeEach(async () => {
  t = await makeTestApp();
  for (const email of ['a@example.com', 'b@example.com', 'c@example.com']) {
    await t.signup({ email, categories: ['newsletter', 'offers'] });
    const mails = await t.deliver();
    await t.request(confirmPath(mails.find((m) => m.subject.startsWith('Confirm'))!), { method: 'POST' });
  }
});

const seal = async () => {
  let total = 0;
  for (let n = await sealLedger(t.deps, 5); n > 0; n = await sealLedger(t.deps, 5)) total += n;
  return total;
};
const verify = () => verifyLedger(t.deps, 4); // small pages, so the paging is exercised too

/** What someone with the database file could do: the triggers are no obstacle to them. */
function tamper(sql: string) {
  t.sqlite.pragma('foreign_keys = OFF');
  for (const trigger of ['consent_events_no_update', 'consent_events_no_delete', 'ledger_seals_no_update', 'ledger_seals_no_delete']) {
    t.sqlite.exec(`DROP TRIGGER IF EXISTS ${trigger}`);
  }
  t.sqlite.exec(sql);
}

describe('the sealed ledger', () => {
  it('verifies when untouched, and names its head', async () => {
    expect(await seal()).toBe(12);
    const report = await verify();
    expect(report).toMatchObject({ ok: true, events: 12, sealed: 12, problem: null });
    expect(report.head).toEqual({ eventId: 12, hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('reports events not sealed yet without calling them bad', async () => {
    await seal();
    await t.signup({ email: 'd@example.com', categories: ['offers'] });
    expect(await verify()).toMatchObject({ ok: true, events: 13, sealed: 12 });
  });

  it.each([
    ['an edited action', "UPDATE consent_events SET action = 'granted' WHERE id = 5", { kind: 'altered', eventId: 5 }],
    ['an edited time', "UPDATE consent_events SET occurred_at = '2020-01-01T00:00:00.000Z' WHERE id = 7", { kind: 'altered', eventId: 7 }],
    ['a deleted event', 'DELETE FROM consent_events WHERE id = 6', { kind: 'deleted', eventId: 6 }],
    ['a deleted last event', 'DELETE FROM consent_events WHERE id = 12', { kind: 'deleted', eventId: 12 }],
    ['a deleted event and its seal', 'DELETE FROM consent_events WHERE id = 6; DELETE FROM ledger_seals WHERE event_id = 6', { kind: 'altered', eventId: 7 }],
    ['two events swapped', "UPDATE consent_events SET category_key = CASE id WHEN 3 THEN 'offers' ELSE 'newsletter' END WHERE id IN (3, 4)", { kind: 'altered', eventId: 3 }],
    ['a rewritten seal', "UPDATE ledger_seals SET hash = 'x' WHERE event_id = 9", { kind: 'altered', eventId: 9 }],
  ])('detects %s and names the first bad event', async (_name, sql, problem) => {
    await seal();
    tamper(sql);
    expect(await verify()).toMatchObject({ ok: false, problem });
  });

  it('detects a sealed event after an unsealed one (seals are written in ledger order)', async () => {
    await seal();
    await t.signup({ email: 'd@example.com', categories: ['offers'] }); // event 13, not sealed yet
    tamper(`INSERT INTO consent_events (id, site_id, contact_id, category_key, channel, action, method, occurred_at, locale)
              SELECT 14, site_id, contact_id, 'offers', 'email', 'confirmed', 'confirmation_link', occurred_at, locale
              FROM consent_events WHERE id = 13;
            INSERT INTO ledger_seals (event_id, hash, sealed_at) VALUES (14, 'forged', 'now');`);
    expect(await verify()).toMatchObject({ ok: false, problem: { kind: 'inserted', eventId: 13 } });
  });

  it('detects altered evidence through its MAC', async () => {
    await seal();
    const forged = await t.deps.cipher.encrypt('198.51.100.1');
    t.sqlite.prepare('UPDATE event_evidence SET ip = ? WHERE event_id = 2').run(forged);
    expect(await verify()).toMatchObject({ ok: false, problem: { kind: 'evidence_altered', eventId: 2 } });
  });

  it('two sealers at once write one chain', async () => {
    await Promise.all([sealLedger(t.deps), sealLedger(t.deps), sealLedger(t.deps, 3)]);
    await seal();
    expect(await t.db.selectFrom('ledger_seals').select('event_id').execute()).toHaveLength(12);
    expect((await verify()).ok).toBe(true);
  });

  it('seals are append-only in the database too', async () => {
    await seal();
    expect(() => t.sqlite.exec("UPDATE ledger_seals SET hash = 'x'")).toThrow(/append-only/);
    expect(() => t.sqlite.exec('DELETE FROM ledger_seals')).toThrow(/append-only/);
  });
});

describe('erasure', () => {
  it('removes the address, name and evidence and the ledger still verifies', async () => {
    await seal();
    const contact = await t.contact('a@example.com');
    await erasePersonalData(t.deps, contact.id);
    const row = await t.db.selectFrom('contacts').selectAll().where('id', '=', contact.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ email: '', name: null, email_hash: contact.email_hash });
    const evidence = await t.db
      .selectFrom('event_evidence')
      .innerJoin('consent_events', 'consent_events.id', 'event_evidence.event_id')
      .where('consent_events.contact_id', '=', contact.id)
      .selectAll()
      .execute();
    expect(evidence).toEqual([]);
    // The erasure itself is in the ledger (one `erased` event per category), sealed like the rest.
    expect(await verify()).toMatchObject({ ok: true, events: 14, sealed: 12 });
    await seal();
    expect(await verify()).toMatchObject({ ok: true, events: 14, sealed: 14 });
  });
});
