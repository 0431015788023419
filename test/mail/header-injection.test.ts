// The last line of defence against header injection: a site row stored before the API refused
// line breaks (written here straight into the database) still yields mail whose subject, From
// and headers carry none, both at the memory mailer and at a stand-in for Resend's API.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enqueueMailQuery } from '../../src/mail/outbox.ts';
import { resendMailer } from '../../src/mail/resend-mailer.ts';
import { confirmPath, makeTestApp, type TestApp } from '../helpers/test-app.ts';

const CONTROL = /[\p{Cc}\u2028\u2029]/u;
const INJECTED = 'Demo\r\nBcc: victim@example.com\r\n\r\n<b>body</b>';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
  await t.db
    .updateTable('sites')
    .set({ name: INJECTED, legal_name: `Demo K.K.\u2028X-Evil: 1`, sender_address: `Demo\nBcc: victim@example.com <news@demo.example>` })
    .where('id', '=', 'demo')
    .execute();
});

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A stand-in for Resend's API that keeps every request body it receives. */
async function fakeResend(): Promise<{ baseUrl: string; bodies: Record<string, unknown>[] }> {
  const bodies: Record<string, unknown>[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      bodies.push(JSON.parse(body));
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ id: `re_${bodies.length}` }));
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, bodies };
}

describe('mail built from a site row with line breaks in it', () => {
  it('reaches the mailer with subject and From on one line each (confirmation and welcome)', async () => {
    await t.signup({ email: 'a@example.com', categories: ['newsletter'] });
    const [confirmation] = await t.deliver();
    expect(confirmation!.subject).not.toMatch(CONTROL);
    expect(confirmation!.from).not.toMatch(CONTROL);
    expect(confirmation!.subject).toContain('Demo Bcc: victim@example.com <b>body</b>');
    expect(confirmation!.from).toBe('Demo Bcc: victim@example.com <news@demo.example>');

    expect((await t.request(confirmPath(confirmation!), { method: 'POST' })).status).toBe(200);
    const [welcome] = await t.deliver();
    expect(welcome!.subject).not.toMatch(CONTROL);
    expect(welcome!.from).not.toMatch(CONTROL);
    for (const [name, value] of Object.entries(welcome!.headers)) {
      expect(name).not.toMatch(CONTROL);
      expect(value).not.toMatch(CONTROL);
    }
  });

  it('reaches Resend with no control character in subject, from or any header', async () => {
    const resend = await fakeResend();
    t.deps.mailer = resendMailer({ apiKey: 're_test', baseUrl: resend.baseUrl });
    await t.signup({ email: 'a@example.com', categories: ['newsletter'] });
    // A queued row that already holds a broken header, as an older version could have stored.
    await t.deps.atomic([
      enqueueMailQuery(
        t.db,
        {
          id: 'old-row',
          siteId: 'demo',
          contactId: null,
          kind: 'welcome',
          from: 'Old\r\nBcc: victim@example.com <old@demo.example>',
          encryptedTo: await t.deps.cipher.encrypt('b@example.com'),
          subject: 'Hello\r\nBcc: victim@example.com',
          html: '<p>hi</p>',
          text: 'hi',
          headers: { 'X-Note': 'one\r\nBcc: victim@example.com', 'X-Bad\nName': 'x' },
        },
        t.clock.now(),
      ),
    ]);
    await t.deliver();
    expect(resend.bodies).toHaveLength(2);
    for (const body of resend.bodies) {
      expect(body.subject).not.toMatch(CONTROL);
      expect(body.from).not.toMatch(CONTROL);
      for (const [name, value] of Object.entries((body.headers ?? {}) as Record<string, string>)) {
        expect(name).not.toMatch(CONTROL);
        expect(value).not.toMatch(CONTROL);
      }
    }
    const old = resend.bodies.find((body) => body.subject === 'Hello Bcc: victim@example.com');
    expect(old).toMatchObject({ from: 'Old Bcc: victim@example.com <old@demo.example>', headers: { 'X-Note': 'one Bcc: victim@example.com', 'X-Bad Name': 'x' } });
  });
});
