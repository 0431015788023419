// The real Resend SDK against local HTTP servers: how each kind of failure is classified.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { resendMailer } from '../../src/mail/resend-mailer.ts';
import { findFreePort } from '../helpers/server-process.ts';

const mail = { id: 'key-1', from: 'a@x.example', to: ['b@x.example'], subject: 's', html: '<p>h</p>', text: 't', headers: { 'X-Test': '1' } };
const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function provider(handler: (body: string, res: import('node:http').ServerResponse) => void): Promise<string> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => handler(body, res));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const answer = (status: number, body: object) => (_: string, res: import('node:http').ServerResponse) => {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
};

describe('the Resend adapter', () => {
  it('sends both parts, the custom headers and the idempotency key', async () => {
    let seen: { body: Record<string, unknown> } | undefined;
    const baseUrl = await provider((body, res) => {
      seen = { body: JSON.parse(body) };
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"id":"re_1"}');
    });
    expect(await resendMailer({ apiKey: 're_x', baseUrl }).send(mail)).toEqual({ ok: true, providerId: 're_1' });
    expect(seen!.body).toMatchObject({ to: ['b@x.example'], html: '<p>h</p>', text: 't', headers: { 'X-Test': '1' } });
  });

  it.each([
    [500, true],
    [503, true],
    [429, true],
    [422, false],
    [403, false],
  ])('classifies HTTP %i as retryable: %s', async (status, retryable) => {
    const baseUrl = await provider(answer(status, { statusCode: status, name: 'some_error', message: 'nope' }));
    const result = await resendMailer({ apiKey: 're_x', baseUrl }).send(mail);
    expect(result).toEqual({ ok: false, retryable, error: `${status} some_error: nope` });
  });

  it('retries a refused connection', async () => {
    const port = await findFreePort();
    const result = await resendMailer({ apiKey: 're_x', baseUrl: `http://127.0.0.1:${port}` }).send(mail);
    expect(result).toMatchObject({ ok: false, retryable: true });
  });

  it('gives up on a provider that never answers, in time, as retryable', async () => {
    const baseUrl = await provider(() => {});
    const started = Date.now();
    const result = await resendMailer({ apiKey: 're_x', baseUrl, timeoutMs: 300 }).send(mail);
    expect(result).toMatchObject({ ok: false, retryable: true });
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
