// The signup form cannot be used to flood an inbox, nor to learn from its timing who is
// subscribed: one confirmation per inbox every 10 minutes (five a day) however the address is
// spelled, and the same work for every state of the address.
import type { CompiledQuery } from 'kysely';
import { beforeEach, describe, expect, it } from 'vitest';
import { confirmPath, makeTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});

const MINUTE = 60_000;

describe('one inbox, one limit', () => {
  it('a.b@gmail.com, ab+1@gmail.com and ab@googlemail.com get one confirmation between them', async () => {
    for (const email of ['a.b@gmail.com', 'ab+1@gmail.com', 'ab@googlemail.com']) {
      expect((await t.signup({ email, categories: ['newsletter'] })).status).toBe(200);
      t.clock.advance(10_000);
    }
    const sent = await t.deliver();
    expect(sent.map((mail) => mail.to)).toEqual([['a.b@gmail.com']]);
    // Each address is still its own contact, stored as typed, with its request recorded.
    for (const email of ['a.b@gmail.com', 'ab+1@gmail.com', 'ab@googlemail.com']) {
      expect((await t.contact(email)).email).toBe(email);
      expect(await t.consents(email)).toEqual({ newsletter: 'pending' });
    }
  });

  it('after 10 minutes the next spelling gets its own link, up to five a day', async () => {
    const spellings = ['a.b@gmail.com', 'ab+1@gmail.com', 'ab@googlemail.com', 'ab+2@googlemail.com', 'a.b+3@gmail.com', 'ab+4@gmail.com'];
    for (const email of spellings) {
      await t.signup({ email, categories: ['newsletter'] });
      t.clock.advance(11 * MINUTE);
    }
    expect((await t.deliver()).map((mail) => mail.to[0])).toEqual(spellings.slice(0, 5));
  });

  it('other inboxes are not held back', async () => {
    await t.signup({ email: 'ab@gmail.com', categories: ['newsletter'] });
    await t.signup({ email: 'ab@example.com', categories: ['newsletter'] });
    await t.signup({ email: 'a.b@example.com', categories: ['newsletter'] });
    expect(await t.deliver()).toHaveLength(3);
  });
});

describe('the same work whatever the address’s state', () => {
  /** What one signup does: the statements of its batch, and how much it encrypts and signs. */
  async function workOf(email: string) {
    const batches: CompiledQuery[][] = [];
    const { atomic, cipher, tokens } = t.deps;
    let encrypted = 0;
    let signed = 0;
    t.deps.atomic = (queries) => (batches.push([...queries]), atomic(queries));
    t.deps.cipher = { ...cipher, encrypt: (value) => (encrypted++, cipher.encrypt(value)) };
    t.deps.tokens = { ...tokens, sign: (claims, ttl) => (signed++, tokens.sign(claims, ttl)) };
    try {
      await t.signup({ email, categories: ['newsletter', 'offers'] });
    } finally {
      Object.assign(t.deps, { atomic, cipher, tokens });
    }
    expect(batches).toHaveLength(1);
    return { statements: batches[0]!.map((query) => query.sql), encrypted, signed };
  }

  it('new, pending, confirmed and withdrawn addresses run one batch of the same shape', async () => {
    // Pending: asked earlier. Confirmed: asked and confirmed. Withdrawn: confirmed, then stopped.
    for (const email of ['pending@example.com', 'confirmed@example.com', 'withdrawn@example.com']) {
      await t.signup({ email, categories: ['newsletter', 'offers'] });
    }
    const mails = await t.deliver();
    for (const mail of mails.slice(1)) expect((await t.request(confirmPath(mail), { method: 'POST' })).status).toBe(200);
    await t.deliver();
    await t.db.updateTable('consents').set({ status: 'withdrawn' }).where('contact_id', '=', (await t.contact('withdrawn@example.com')).id).execute();
    expect(await t.consents('confirmed@example.com')).toEqual({ newsletter: 'granted', offers: 'granted' });
    t.clock.advance(11 * MINUTE);

    const work = {
      new: await workOf('new@example.com'),
      pending: await workOf('pending@example.com'),
      confirmed: await workOf('confirmed@example.com'),
      withdrawn: await workOf('withdrawn@example.com'),
    };
    // The contact's own row is an insert for a new address and a guarded update otherwise;
    // every other statement is the same, and so is the encrypting and signing.
    const shape = (w: typeof work.new) => ({ ...w, statements: w.statements.map((sql, i) => (i === 1 ? sql.split(' ')[0] : sql)) });
    expect(shape(work.pending)).toEqual(shape(work.confirmed));
    expect(shape(work.withdrawn)).toEqual(shape(work.confirmed));
    expect(work.new.statements.length).toBe(work.confirmed.statements.length);
    expect(work.new.statements.filter((_, i) => i !== 1)).toEqual(work.confirmed.statements.filter((_, i) => i !== 1));
    expect([work.new.encrypted, work.new.signed]).toEqual([work.confirmed.encrypted, work.confirmed.signed]);

    // And the answers are the same page; only the states that asked for mail got one.
    expect((await t.deliver()).map((mail) => mail.to[0]).sort()).toEqual(['new@example.com', 'pending@example.com', 'withdrawn@example.com']);
  });
});
