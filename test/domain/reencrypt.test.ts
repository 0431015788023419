import { describe, expect, it } from 'vitest';
import { createFieldCipher, type FieldCipher } from '../../src/domain/field-cipher.ts';
import { ENCRYPTED_COLUMNS, reencryptAll, reencryptIfNeeded } from '../../src/domain/reencrypt.ts';
import { confirmPath, makeTestApp } from '../helpers/test-app.ts';
import { devMailbox } from '../../src/mail/dev-mailbox.ts';
import { deliverDueMail } from '../../src/mail/outbox.ts';
import { sql } from 'kysely';

const key = (kid: string, byte: number) => ({ kid, key: new Uint8Array(32).fill(byte) });

async function populated() {
  const t = await makeTestApp();
  const deps = { ...t.deps, mailer: devMailbox(t.db, t.clock, t.deps.cipher) };
  await t.signup({ email: 'Ann@Example.com', name: 'Ann 安', categories: ['newsletter'] });
  await deliverDueMail(deps);
  const [mail] = await (await t.request('/dev/mailbox.json')).json();
  await t.request(confirmPath(mail), { method: 'POST' });
  await deliverDueMail(deps);
  return t;
}

async function storedValues(t: Awaited<ReturnType<typeof populated>>) {
  const values: string[] = [];
  for (const { table, column } of ENCRYPTED_COLUMNS) {
    const { rows } = await sql<{ v: string | null }>`SELECT ${sql.ref(column)} AS v FROM ${sql.table(table)}`.execute(t.db);
    values.push(...rows.map((row) => row.v).filter((v): v is string => v !== null));
  }
  return values;
}

/**
 * `rotated`, except that while the pass re-encrypts Ann's address the service writes the row
 * anew (encrypted with `writer`), as a signup could.
 */
function racingCipher(t: Awaited<ReturnType<typeof populated>>, rotated: FieldCipher, writer: FieldCipher): FieldCipher {
  let raced = false;
  return {
    ...rotated,
    async encrypt(plaintext) {
      if (!raced && plaintext === 'Ann@Example.com') {
        raced = true;
        await t.db.updateTable('contacts').set({ email: await writer.encrypt('changed@example.com') }).execute();
      }
      return rotated.encrypt(plaintext);
    },
  };
}

describe('encryption at rest', () => {
  it('stores every personal value encrypted under the current key', async () => {
    const t = await populated();
    const values = await storedValues(t);
    expect(values.length).toBeGreaterThanOrEqual(8);
    for (const value of values) expect(value).toMatch(/^enc:v1:e1:[\w-]+:[\w-]+$/);
    expect((await t.contact('ann@example.com')).name).toBe('Ann 安');
  });

  it('a value cannot be read with another key, nor altered unnoticed', async () => {
    const cipher = createFieldCipher([key('e1', 9)]);
    const other = createFieldCipher([key('e1', 8)]);
    const sealed = await cipher.encrypt('a@example.com');
    await expect(other.decrypt(sealed)).rejects.toThrow();
    // Another character in place of the second-to-last (never the same one: that would change nothing).
    const replaced = sealed.at(-2)!;
    const flipped = sealed.slice(0, -2) + (replaced === 'A' ? 'B' : 'A') + sealed.slice(-1);
    expect(flipped).not.toBe(sealed);
    await expect(cipher.decrypt(flipped)).rejects.toThrow();
    expect(await cipher.encrypt('same')).not.toBe(await cipher.encrypt('same')); // fresh IV each time
  });
});

describe('key rotation', () => {
  it('re-encrypts everything under the new key, after which the old key can go', async () => {
    const t = await populated();
    const old = t.config.encryptionKeys[0]!;
    const rotated = createFieldCipher([key('e2', 5), old]);
    const report = await reencryptAll({ db: t.db, cipher: rotated, clock: t.clock }, { batchSize: 2 });
    const total = Object.values(report.reencrypted).reduce((a, b) => a + b, 0);
    expect(total).toBe((await storedValues(t)).length);
    for (const value of await storedValues(t)) expect(value).toMatch(/^enc:v1:e2:/);
    // The old key is no longer needed to read anything.
    const newOnly = createFieldCipher([key('e2', 5)]);
    const row = await t.db.selectFrom('contacts').select(['email', 'name']).executeTakeFirstOrThrow();
    expect(await newOnly.decrypt(row.email)).toBe('Ann@Example.com');
    expect(await newOnly.decrypt(row.name!)).toBe('Ann 安');
    // A second pass has nothing left to do.
    const again = await reencryptAll({ db: t.db, cipher: rotated, clock: t.clock });
    expect(Object.values(again.reencrypted).every((n) => n === 0)).toBe(true);
  });

  it('encrypts legacy plaintext from before encryption', async () => {
    const t = await populated();
    await t.db.updateTable('contacts').set({ email: 'legacy@example.com' }).execute();
    const report = await reencryptAll(t.deps);
    expect(report.reencrypted['contacts.email']).toBe(1);
    const row = await t.db.selectFrom('contacts').select('email').executeTakeFirstOrThrow();
    expect(row.email).toMatch(/^enc:v1:e1:/);
    expect(await t.deps.cipher.decrypt(row.email)).toBe('legacy@example.com');
  });

  it('leaves a row that changed during the pass to the next pass instead of overwriting it', async () => {
    const t = await populated();
    const rotated = createFieldCipher([key('e2', 5), t.config.encryptionKeys[0]!]);
    const cipher = racingCipher(t, rotated, rotated);
    await reencryptAll({ db: t.db, cipher, clock: t.clock });
    const row = await t.db.selectFrom('contacts').select('email').executeTakeFirstOrThrow();
    expect(await rotated.decrypt(row.email)).toBe('changed@example.com');
  });

  it('takes a large table a page at a time, letting the server answer in between', async () => {
    const t = await makeTestApp();
    const email = await t.deps.cipher.encrypt('someone@example.com');
    const insert = t.sqlite.prepare(`INSERT INTO contacts (id, site_id, email, email_hash, name, locale, created_at, updated_at)
      VALUES (?, 'demo', ?, ?, NULL, 'en', '2026-11-01T09:00:00.000Z', '2026-11-01T09:00:00.000Z')`);
    t.sqlite.transaction(() => {
      for (let i = 0; i < 3000; i++) insert.run(`c${i}`, email, `h${i}`);
    })();
    let finished = false;
    const pass = reencryptAll(t.deps, { batchSize: 500 }).then(() => (finished = true));
    // A timer (what a request's answer waits on too) runs while the pass is still going.
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(finished).toBe(false);
    await pass;
    expect(finished).toBe(true);
  });

});

describe('the pass at start', () => {
  it('runs once per first key: a later start with the same key reads no table, a new first key runs it again', async () => {
    const t = await populated();
    await t.db.updateTable('contacts').set({ email: 'legacy@example.com' }).execute();
    const first = await reencryptIfNeeded(t.deps);
    expect(first?.reencrypted['contacts.email']).toBe(1);
    expect(await t.db.selectFrom('maintenance_marks').selectAll().execute()).toEqual([{ name: 'encrypted_under', value: 'e1', updated_at: t.clock.now().toISOString() }]);
    // Done under e1: the next start skips, whatever it would have found.
    await t.db.updateTable('contacts').set({ email: 'written-by-hand@example.com' }).execute();
    expect(await reencryptIfNeeded(t.deps)).toBeNull();
    expect((await t.db.selectFrom('contacts').select('email').executeTakeFirstOrThrow()).email).toBe('written-by-hand@example.com');
    // A new first key: the start re-encrypts everything under it, and marks that.
    const rotated = createFieldCipher([key('e2', 5), t.config.encryptionKeys[0]!]);
    const again = await reencryptIfNeeded({ ...t.deps, cipher: rotated });
    expect(again?.left).toBe(0);
    for (const value of await storedValues(t)) expect(value).toMatch(/^enc:v1:e2:/);
    expect((await t.db.selectFrom('maintenance_marks').select('value').executeTakeFirstOrThrow()).value).toBe('e2');
  });

  it('a pass that had to leave a changed row behind does not mark the database done', async () => {
    const t = await populated();
    const rotated = createFieldCipher([key('e2', 5), t.config.encryptionKeys[0]!]);
    const cipher = racingCipher(t, rotated, t.deps.cipher);
    const report = await reencryptIfNeeded({ ...t.deps, cipher });
    expect(report?.left).toBe(1);
    expect(await t.db.selectFrom('maintenance_marks').selectAll().execute()).toEqual([]);
    // So the next start runs again, and finishes the job.
    expect((await reencryptIfNeeded({ ...t.deps, cipher: rotated }))?.reencrypted['contacts.email']).toBe(1);
  });
});
