// The Node server's SMS loop, wired from TWILIO_* to Twilio's API (a local stand-in): an SMS
// row queued in the server's database, as a sign-up's batch writes it, is sent by the running
// server within its poll, once, with the number decrypted and TWILIO_FROM as the sender.
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import { createFieldCipher } from '../../src/domain/field-cipher.ts';
import { FAKE_ACCOUNT_SID, FAKE_AUTH_TOKEN, startFakeTwilio, type FakeTwilio } from '../helpers/fake-twilio.ts';
import { removeTempDirs, sleep, startServer, waitFor, type ServerProcess } from '../helpers/server-process.ts';

const SECRETS = {
  TOKEN_SECRETS: 'k1:' + 's'.repeat(32),
  LOOKUP_KEY: 'l'.repeat(32),
  ENCRYPTION_KEYS: `e1:${Buffer.alloc(32, 9).toString('base64')}`,
};

let twilio: FakeTwilio;
let server: ServerProcess;
beforeAll(async () => {
  twilio = await startFakeTwilio();
  server = await startServer({
    env: { ...SECRETS, TWILIO_ACCOUNT_SID: FAKE_ACCOUNT_SID, TWILIO_AUTH_TOKEN: FAKE_AUTH_TOKEN, TWILIO_FROM: '+15005550001', TWILIO_BASE_URL: twilio.url },
  });
});
afterAll(async () => {
  await server?.stop();
  await twilio?.close();
  removeTempDirs();
});

describe('the Node server with Twilio configured', () => {
  it('sends a queued SMS through Twilio once, and records its SID', async () => {
    const cipher = createFieldCipher(parseConfig(SECRETS).encryptionKeys);
    const now = new Date().toISOString();
    const db = new BetterSqlite3(server.databasePath);
    db.prepare(
      `INSERT INTO sms_outbox (id, site_id, contact_id, kind, to_number, number_hash, body, status, next_attempt_at, created_at)
       VALUES ('it-1', 'demo', NULL, 'verification', ?, 'h', 'Your code is 424242', 'queued', ?, ?)`,
    ).run(await cipher.encrypt('+15005550006'), now, now);

    const sent = await waitFor(() => twilio.messages.find((m) => m.body === 'Your code is 424242'), { what: 'the SMS at Twilio' });
    expect(sent).toMatchObject({ to: '+15005550006', from: '+15005550001' });
    const row = await waitFor(() => {
      const r = db.prepare("SELECT status, provider_id FROM sms_outbox WHERE id = 'it-1'").get() as { status: string; provider_id: string };
      return r.status === 'sent' && r;
    }, { what: 'the row marked sent' });
    expect(row.provider_id).toBe(sent.sid);
    await sleep(1500);
    expect(twilio.creates()).toHaveLength(1);
    db.close();
  }, 30_000);
});
