// The real server's webhook sender loop: a signup reaches a registered endpoint, signed.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, startServer, submitSignup, waitFor, type ServerProcess } from '../helpers/server-process.ts';

const ADMIN_KEY = 'integration-admin-key-0123456789';

describe('webhooks on the Node server', () => {
  let server: ServerProcess | undefined;
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.end();
    });
  });
  afterAll(async () => {
    await server?.stop();
    await new Promise((resolve) => receiver.close(resolve));
    removeTempDirs();
  });

  it('delivers a signed consent.requested without waiting for a request', async () => {
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    server = await startServer({ env: { ADMIN_API_KEY: ADMIN_KEY, WEBHOOK_ALLOW_LOOPBACK: 'true' } });
    const res = await server.fetch('/api/v1/sites/demo/webhooks', {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ url, events: ['consent.requested'] }),
    });
    expect(res.status).toBe(201);
    const { secret } = await res.json();
    await submitSignup(server, { email: 'it-webhook@example.com', categories: ['newsletter'] });
    await waitFor(() => received.length > 0, { what: 'a webhook delivery' });
    const payload = new Webhook(secret).verify(received[0]!.body, received[0]!.headers as Record<string, string>);
    expect(payload).toMatchObject({ type: 'consent.requested', data: { site: 'demo', category: 'newsletter' } });
  });

  it('refuses a loopback target when WEBHOOK_ALLOW_LOOPBACK is not set', async () => {
    const strict = await startServer({ env: { ADMIN_API_KEY: ADMIN_KEY } });
    try {
      for (const url of ['http://127.0.0.1:9/hook', 'https://127.0.0.1:9/hook', 'https://localhost/hook']) {
        const res = await strict.fetch('/api/v1/sites/demo/webhooks', {
          method: 'POST',
          headers: { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ url, events: ['consent.requested'] }),
        });
        expect({ url, status: res.status }).toEqual({ url, status: 400 });
        expect((await res.json()).error.details[0].path).toBe('url');
      }
    } finally {
      await strict.stop();
    }
  });
});
