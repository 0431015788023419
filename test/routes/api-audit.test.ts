import { beforeEach, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/domain/api-keys.ts';
import { createFieldCipher } from '../../src/domain/field-cipher.ts';
import { sha256Hex } from '../../src/domain/ids.ts';
import { reencryptAll } from '../../src/domain/reencrypt.ts';
import { ADMIN_KEY, TEST_IP, makeTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
let contactId: string;
const auth = { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/json' };

beforeEach(async () => {
  t = await makeTestApp();
  await t.signup({ email: 'a@example.com', categories: ['newsletter'] });
  contactId = (await t.contact('a@example.com')).id;
});

const api = (method: string, path: string, body?: unknown, headers: Record<string, string> = auth) =>
  t.request(`/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
const audit = async (query = '') => (await (await api('GET', `/audit${query}`)).json()).entries;

describe('the audit log', () => {
  it('records every API request that reads or changes personal data: key, route, contact, status, time', async () => {
    await api('POST', '/sites/demo/contacts/lookup', { email: 'a@example.com' });
    t.clock.advance(1000);
    await api('GET', `/sites/demo/contacts/${contactId}/events`);
    await api('POST', '/sites/demo/contacts/links', { email: 'a@example.com' });
    await api('POST', `/sites/demo/contacts/${contactId}/revoke-links`);
    await api('POST', '/sites/demo/contacts/lookup', { email: 'nobody@example.com' });
    const entries = await audit();
    expect(entries.map((e: { method: string; route: string; contactId: string | null; status: number }) => [e.method, e.route, e.contactId, e.status])).toEqual([
      ['POST', '/api/v1/sites/:site/contacts/lookup', null, 404],
      ['POST', '/api/v1/sites/:site/contacts/:id/revoke-links', contactId, 200],
      ['POST', '/api/v1/sites/:site/contacts/links', contactId, 200],
      ['GET', '/api/v1/sites/:site/contacts/:id/events', contactId, 200],
      ['POST', '/api/v1/sites/:site/contacts/lookup', contactId, 200],
    ]);
    expect(entries[4]).toEqual({
      id: 1,
      keyId: 'admin',
      method: 'POST',
      route: '/api/v1/sites/:site/contacts/lookup',
      siteId: 'demo',
      contactId,
      contactIds: [],
      status: 200,
      outcome: 'allowed',
      attempt: null,
      clientIp: TEST_IP,
      occurredAt: '2026-11-01T09:00:00.000Z',
    });
    expect(entries[3].occurredAt).toBe('2026-11-01T09:00:01.000Z');
  });

  it('records refused authentications and cross-site keys, with where they came from, never the key', async () => {
    const { key: siteKey, id: siteKeyId } = await createApiKey(t.deps, { siteId: 'demo' });
    const forged = `assent_${'a'.repeat(20)}_${'b'.repeat(40)}`;
    const wrongSecret = `${siteKey.slice(0, -40)}${'c'.repeat(40)}`;
    const tries = [
      ['no key', {}],
      ['not bearer', { Authorization: `Basic ${ADMIN_KEY}` }],
      ['wrong admin key', { Authorization: 'Bearer wrong-key-000000000' }],
      ['unknown key id', { Authorization: `Bearer ${forged}` }],
      ['right id, wrong secret', { Authorization: `Bearer ${wrongSecret}` }],
    ] as const;
    for (const [label, headers] of tries) {
      expect((await api('POST', '/sites/demo/contacts/lookup', { email: 'a@example.com' }, { ...headers, 'Content-Type': 'application/json' })).status, label).toBe(401);
    }
    expect((await api('GET', '/audit', undefined, { Authorization: `Bearer ${siteKey}` })).status).toBe(403);
    expect((await api('GET', '/sites/other/contacts/x/events', undefined, { Authorization: `Bearer ${siteKey}` })).status).toBe(403);

    const entries = await audit();
    expect(entries.map((e: Record<string, unknown>) => [e.keyId, e.route, e.status, e.outcome, e.attempt, e.clientIp])).toEqual([
      [siteKeyId, '/api/v1/sites/:site/contacts/:id/events', 403, 'other_site', null, TEST_IP],
      [siteKeyId, '/api/v1/audit', 403, 'other_site', null, TEST_IP],
      [siteKeyId, '/api/v1/sites/:site/contacts/lookup', 401, 'wrong_key', 5, TEST_IP],
      ['a'.repeat(20), '/api/v1/sites/:site/contacts/lookup', 401, 'wrong_key', 4, TEST_IP],
      [null, '/api/v1/sites/:site/contacts/lookup', 401, 'wrong_key', 3, TEST_IP],
      [null, '/api/v1/sites/:site/contacts/lookup', 401, 'no_key', 2, TEST_IP],
      [null, '/api/v1/sites/:site/contacts/lookup', 401, 'no_key', 1, TEST_IP],
    ]);
    expect(entries.find((e: { siteId: string }) => e.siteId === 'other')).toBeDefined();

    // Neither the keys nor a hash of them, nor the client address, is anywhere in the tables.
    const stored = JSON.stringify([
      await t.db.selectFrom('audit_log').selectAll().execute(),
      await t.db.selectFrom('audit_clients').selectAll().execute(),
      await t.db.selectFrom('rate_limits').selectAll().execute(),
    ]);
    for (const secret of ['wrong-key-000000000', forged, forged.slice(-40), wrongSecret.slice(-40), siteKey.slice(-40), ADMIN_KEY]) {
      expect(stored).not.toContain(secret);
      expect(stored).not.toContain(await sha256Hex(secret));
    }
    expect(stored).not.toContain(TEST_IP);
  });

  it('keeps the client address encrypted, re-encrypted by key rotation like every other', async () => {
    await api('POST', '/sites/demo/contacts/lookup', { email: 'a@example.com' });
    const [row] = await t.db.selectFrom('audit_clients').selectAll().execute();
    expect(row!.ip).toMatch(/^enc:v1:e1:/);
    const rotated = createFieldCipher([{ kid: 'e2', key: new Uint8Array(32).fill(5) }, t.config.encryptionKeys[0]!]);
    const report = await reencryptAll({ db: t.db, cipher: rotated, clock: t.clock });
    expect(report.reencrypted['audit_clients.ip']).toBe(1);
    const [after] = await t.db.selectFrom('audit_clients').selectAll().execute();
    expect(await createFieldCipher([{ kid: 'e2', key: new Uint8Array(32).fill(5) }]).decrypt(after!.ip)).toBe(TEST_IP);
  });

  it('is append-only: the database refuses to change or delete an entry', async () => {
    await api('POST', '/sites/demo/contacts/lookup', { email: 'a@example.com' });
    await api('POST', '/sites/demo/imports', { importId: 'i1', items: [{ email: 'b@example.com', categories: ['newsletter'], method: 'paper', occurredAt: '2026-10-01T09:00:00Z', evidence: 'card', consentText: 'Yes.' }] });
    const before = await audit();
    expect(before).toHaveLength(2);
    expect(() => t.sqlite.exec("UPDATE audit_log SET status = 200, key_id = 'someone-else'")).toThrow(/append-only/);
    expect(() => t.sqlite.exec('UPDATE audit_log SET contact_id = NULL')).toThrow(/append-only/);
    expect(() => t.sqlite.exec('DELETE FROM audit_log')).toThrow(/append-only/);
    expect(() => t.sqlite.exec("UPDATE audit_contacts SET contact_id = 'x'")).toThrow(/append-only/);
    expect(() => t.sqlite.exec('DELETE FROM audit_contacts')).toThrow(/append-only/);
    expect(() => t.sqlite.exec('DELETE FROM audit_clients')).toThrow(/append-only/);
    expect(() => t.sqlite.exec('UPDATE audit_clients SET audit_id = audit_id + 100')).toThrow(/stay with their entry/);
    expect(await audit()).toEqual(before);
  });

  it('names every contact an import touched, and ?contact finds the import', async () => {
    const existing = contactId;
    const imported = await api('POST', '/sites/demo/imports', {
      importId: 'shop-1',
      items: ['a@example.com', 'b@example.com', 'c@example.com'].map((email) => ({ email, categories: ['newsletter'], method: 'paper', occurredAt: '2026-10-01T09:00:00Z', evidence: 'card', consentText: 'Yes.' })),
    });
    expect(imported.status).toBe(201);
    const result = await imported.json();
    const ids: string[] = result.items.map((item: { contactId: string }) => item.contactId);
    expect(ids[0]).toBe(existing);
    const [entry] = await audit();
    expect(entry).toMatchObject({ route: '/api/v1/sites/:site/imports', status: 201, contactId: null });
    expect(entry.contactIds).toEqual([...ids].sort());
    for (const id of ids) {
      const found = await audit(`?contact=${id}`);
      expect(found.map((e: { id: number }) => e.id), id).toContain(entry.id);
    }
    // The signed-up contact's own rows are still found by ?contact, alongside the import's.
    await api('GET', `/sites/demo/contacts/${existing}/events`);
    expect((await audit(`?contact=${existing}`)).map((e: { route: string }) => e.route)).toEqual([
      '/api/v1/sites/:site/contacts/:id/events',
      '/api/v1/sites/:site/imports',
    ]);
    expect(await audit('?contact=nobody')).toEqual([]);
  });

  it('filters by outcome', async () => {
    await api('POST', '/sites/demo/contacts/lookup', { email: 'a@example.com' }, { Authorization: 'Bearer wrong-key-000000000', 'Content-Type': 'application/json' });
    await api('POST', '/sites/demo/contacts/lookup', { email: 'a@example.com' });
    expect((await audit('?outcome=wrong_key')).map((e: { status: number }) => e.status)).toEqual([401]);
    expect((await audit('?outcome=allowed')).map((e: { status: number }) => e.status)).toEqual([200]);
    expect((await api('GET', '/audit?outcome=sneaky')).status).toBe(400);
  });

  it('pages with ?before and filters with ?contact', async () => {
    for (let i = 0; i < 5; i++) await api('GET', `/sites/demo/contacts/${contactId}/events`);
    await api('POST', '/sites/demo/contacts/lookup', { email: 'nobody@example.com' });
    const firstPage = await audit('?limit=2');
    expect(firstPage.map((e: { id: number }) => e.id)).toEqual([6, 5]);
    const next = await audit(`?limit=2&before=${firstPage[1].id}`);
    expect(next.map((e: { id: number }) => e.id)).toEqual([4, 3]);
    expect(await audit(`?contact=${contactId}`)).toHaveLength(5);
  });

  it('refuses bad paging with 400 and is itself behind the key', async () => {
    expect((await api('GET', '/audit?limit=0')).status).toBe(400);
    expect((await api('GET', '/audit?before=abc')).status).toBe(400);
    expect((await api('GET', '/audit', undefined, {})).status).toBe(401);
  });
});
