import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findSite } from '../../src/db/sites.ts';
import { changeQueries } from '../../src/domain/consent-change.ts';
import { deliverDueWebhooks } from '../../src/webhooks/deliveries.ts';
import { nodeWebhookTransport } from '../../src/webhooks/node-transport.ts';
import { ADMIN_KEY, confirmPath, makeTestApp, type TestApp } from '../helpers/test-app.ts';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A local endpoint: records every request and answers with the scripted statuses, then 200. */
async function receiver() {
  const received: Received[] = [];
  const script: number[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.statusCode = script.shift() ?? 200;
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { url, received, script, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

let t: TestApp;
let hook: Awaited<ReturnType<typeof receiver>>;
// The receivers listen on 127.0.0.1, which webhooks may reach only with this setting.
const post = nodeWebhookTransport({ allowLoopback: true });
beforeEach(async () => {
  t = await makeTestApp({ WEBHOOK_ALLOW_LOOPBACK: 'true' });
  // Webhook.verify checks the timestamp against the real clock.
  t.clock.set(new Date().toISOString());
  hook = await receiver();
});
afterEach(() => hook.close());

const auth = { Authorization: `Bearer ${ADMIN_KEY}` };
const api = (path: string, init: { method?: string; body?: unknown } = {}) =>
  t.request(`/api/v1${path}`, {
    method: init.method ?? 'GET',
    headers: { 'Content-Type': 'application/json', ...auth },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
const register = async (events: string[], url = hook.url) => {
  const res = await api('/sites/demo/webhooks', { method: 'POST', body: { url, events } });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; url: string; events: string[]; secret: string };
};
const ALL = ['consent.requested', 'consent.confirmed', 'consent.granted', 'consent.withdrawn', 'contact.erased'];

async function signupAndConfirm(email: string) {
  await t.signup({ email, categories: ['newsletter'] });
  const [mail] = await t.deliver();
  t.clock.advance(1000);
  const res = await t.request(confirmPath(mail!), { method: 'POST' });
  expect(res.status).toBeLessThan(400);
}

describe('webhooks', () => {
  it('delivers signed consent events to a registered endpoint', async () => {
    const endpoint = await register(ALL);
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32,}={0,2}$/);
    expect(Buffer.from(endpoint.secret.slice(6), 'base64').length).toBeGreaterThanOrEqual(24);

    await signupAndConfirm('alice@example.com');
    await t.signup({ email: 'alice@example.com', categories: ['newsletter'] });
    await t.deliver();
    expect(hook.received).toHaveLength(0); // queued, not sent during the request
    const report = await deliverDueWebhooks(t.deps, post);
    expect(report.failed).toBe(0);

    const wh = new Webhook(endpoint.secret);
    const payloads = hook.received.map(({ headers, body }) => {
      expect(headers['content-type']).toBe('application/json');
      expect(headers['webhook-signature']).toMatch(/^v1,/);
      return wh.verify(body, headers as Record<string, string>) as { type: string; timestamp: string; data: Record<string, unknown> };
    });
    // Signing up again changes nothing, so it queues nothing.
    expect(payloads.filter((p) => p.type === 'consent.requested')).toHaveLength(1);
    expect(payloads.map((p) => p.type).some((type) => type === 'consent.confirmed' || type === 'consent.granted')).toBe(true);
    const requested = payloads.find((p) => p.type === 'consent.requested')!;
    const contact = await t.contact('alice@example.com');
    expect(requested.data).toEqual({
      site: 'demo',
      contactId: contact.id,
      category: 'newsletter',
      channel: 'email',
      action: 'requested',
      method: expect.any(String),
      occurredAt: requested.timestamp,
    });
    // No personal data: the address appears nowhere in what was sent.
    expect(hook.received.map((r) => r.body).join('\n')).not.toContain('alice');

    // A wrong secret does not verify.
    const other = new Webhook(`whsec_${Buffer.alloc(24, 7).toString('base64')}`);
    expect(() => other.verify(hook.received[0]!.body, hook.received[0]!.headers as Record<string, string>)).toThrow();

    const list = await (await api('/sites/demo/webhooks')).json();
    expect(list.webhooks).toHaveLength(1);
    expect(list.webhooks[0]).toMatchObject({ id: endpoint.id, url: hook.url, events: ALL, lastDelivery: { status: 'delivered', lastStatusCode: 200 } });
    expect(JSON.stringify(list)).not.toContain('whsec_');

    const deliveries = await (await api(`/sites/demo/webhooks/${endpoint.id}/deliveries`)).json();
    expect(deliveries.deliveries).toHaveLength(hook.received.length);
    expect(deliveries.deliveries.every((d: { status: string; attempts: number }) => d.status === 'delivered' && d.attempts === 1)).toBe(true);
  });

  it('retries after a 500 with the same webhook-id, and fails for good on a 400', async () => {
    const endpoint = await register(['consent.requested']);
    hook.script.push(500);
    await t.signup({ email: 'bob@example.com', categories: ['newsletter'] });
    expect(await deliverDueWebhooks(t.deps, post)).toEqual({ delivered: 0, retrying: 1, failed: 0 });
    expect(hook.received).toHaveLength(1);

    // Not due yet: nothing is sent again.
    await deliverDueWebhooks(t.deps, post);
    expect(hook.received).toHaveLength(1);
    let [row] = (await (await api(`/sites/demo/webhooks/${endpoint.id}/deliveries`)).json()).deliveries;
    expect(row).toMatchObject({ type: 'consent.requested', status: 'queued', attempts: 1, lastStatusCode: 500, lastError: 'HTTP 500' });

    t.clock.advance(3000);
    expect(await deliverDueWebhooks(t.deps, post)).toEqual({ delivered: 1, retrying: 0, failed: 0 });
    expect(hook.received).toHaveLength(2);
    const [first, second] = hook.received;
    expect(second!.headers['webhook-id']).toBe(first!.headers['webhook-id']);
    expect(second!.body).toBe(first!.body);
    expect(Number(second!.headers['webhook-timestamp'])).toBeGreaterThan(Number(first!.headers['webhook-timestamp']));
    new Webhook(endpoint.secret).verify(second!.body, second!.headers as Record<string, string>);
    [row] = (await (await api(`/sites/demo/webhooks/${endpoint.id}/deliveries`)).json()).deliveries;
    expect(row).toMatchObject({ status: 'delivered', attempts: 2, lastStatusCode: 200, lastError: null });

    hook.script.push(400);
    await t.signup({ email: 'carol@example.com', categories: ['newsletter'] });
    expect(await deliverDueWebhooks(t.deps, post)).toEqual({ delivered: 0, retrying: 0, failed: 1 });
    t.clock.advance(3_600_000);
    await deliverDueWebhooks(t.deps, post);
    expect(hook.received).toHaveLength(3);
  });

  it('retries a network error', async () => {
    await hook.close();
    await register(['consent.requested']);
    await t.signup({ email: 'dan@example.com', categories: ['newsletter'] });
    expect(await deliverDueWebhooks(t.deps, post)).toEqual({ delivered: 0, retrying: 1, failed: 0 });
    hook = await receiver(); // afterEach closes this one
  });

  it('sends only the events an endpoint subscribed to', async () => {
    const withdrawn = await register(['consent.withdrawn']);
    await signupAndConfirm('erin@example.com');
    await deliverDueWebhooks(t.deps, post);
    expect(hook.received).toHaveLength(0);
    expect((await (await api(`/sites/demo/webhooks/${withdrawn.id}/deliveries`)).json()).deliveries).toEqual([]);

    // One-click unsubscribe twice: one withdrawal, one delivery.
    const links = await (await api('/sites/demo/contacts/links', { method: 'POST', body: { email: 'erin@example.com', category: 'newsletter' } })).json();
    for (let i = 0; i < 2; i++) {
      await t.request(new URL(links.unsubscribeUrl).pathname, {
        method: 'POST',
        headers: { Origin: 'none', 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      });
    }
    await deliverDueWebhooks(t.deps, post);
    expect(hook.received).toHaveLength(1);
    const payload = new Webhook(withdrawn.secret).verify(hook.received[0]!.body, hook.received[0]!.headers as Record<string, string>);
    expect(payload).toMatchObject({ type: 'consent.withdrawn', data: { category: 'newsletter', action: 'withdrawn' } });
  });

  it('queues nothing for a change the ledger refused (two racing withdrawals, one event)', async () => {
    await register(['consent.withdrawn']);
    await t.signup({ email: 'hal@example.com', categories: ['newsletter'] });
    const site = (await findSite(t.db, 'demo'))!;
    const contact = await t.db.selectFrom('contacts').selectAll().where('id', '=', (await t.contact('hal@example.com')).id).executeTakeFirstOrThrow();
    const now = t.clock.now().toISOString();
    const build = () =>
      changeQueries(
        t.deps,
        { site, contact },
        { key: 'newsletter', action: 'withdrawn', status: 'withdrawn', method: 'test', guard: { in: ['pending', 'granted'] } },
        { ip: null, userAgent: null },
        { sha256: null, policyVersion: null },
        now,
        t.deps.newId(),
      );
    const [first, second] = [await build(), await build()];
    await t.deps.atomic(first);
    await t.deps.atomic(second);
    expect((await t.events('hal@example.com')).filter((e) => e.action === 'withdrawn')).toHaveLength(1);
    await deliverDueWebhooks(t.deps, post);
    expect(hook.received).toHaveLength(1);
  });

  it('reports an erasure once per contact', async () => {
    const endpoint = await register(['contact.erased']);
    await signupAndConfirm('fay@example.com');
    const contact = await t.contact('fay@example.com');
    expect((await api(`/sites/demo/contacts/${contact.id}`, { method: 'DELETE' })).status).toBe(200);
    await deliverDueWebhooks(t.deps, post);
    expect(hook.received).toHaveLength(1);
    const payload = new Webhook(endpoint.secret).verify(hook.received[0]!.body, hook.received[0]!.headers as Record<string, string>);
    expect(payload).toMatchObject({ type: 'contact.erased', data: { site: 'demo', contactId: contact.id, action: 'erased' } });
  });

  it('stops sending to a deleted endpoint', async () => {
    const endpoint = await register(ALL);
    await t.signup({ email: 'gus@example.com', categories: ['newsletter'] });
    const res = await api(`/sites/demo/webhooks/${endpoint.id}`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    await deliverDueWebhooks(t.deps, post);
    expect(hook.received).toHaveLength(0);
    expect((await api('/sites/demo/webhooks')).status).toBe(200);
    expect((await (await api('/sites/demo/webhooks')).json()).webhooks).toEqual([]);
    expect((await api(`/sites/demo/webhooks/${endpoint.id}`, { method: 'DELETE' })).status).toBe(404);
  });

  it('refuses bad input with details, and answers 404 for unknown sites and endpoints', async () => {
    const bad = async (body: unknown, path: string) => {
      const res = await api('/sites/demo/webhooks', { method: 'POST', body });
      expect(res.status).toBe(400);
      const { error } = await res.json();
      expect(error.code).toBe('invalid_request');
      expect(error.details.map((d: { path: string }) => d.path)).toContain(path);
    };
    await bad({ url: 'http://example.com/hook', events: ['consent.granted'] }, 'url');
    await bad({ url: 'ftp://localhost/hook', events: ['consent.granted'] }, 'url');
    await bad({ url: 'not a url', events: ['consent.granted'] }, 'url');
    await bad({ url: 'https://example.com/hook', events: ['consent.exploded'] }, 'events.0');
    await bad({ url: 'https://example.com/hook', events: [] }, 'events');
    expect((await api('/sites/demo/webhooks', { method: 'POST', body: { url: 'https://example.com/hook', events: ['consent.granted'] } })).status).toBe(201);

    expect((await api('/sites/nope/webhooks')).status).toBe(404);
    expect((await api('/sites/nope/webhooks', { method: 'POST', body: { url: 'https://example.com/h', events: ['consent.granted'] } })).status).toBe(404);
    expect((await api('/sites/demo/webhooks/wh_missing/deliveries')).status).toBe(404);
    expect((await api('/sites/demo/webhooks/wh_missing', { method: 'DELETE' })).status).toBe(404);
    expect((await t.request('/api/v1/sites/demo/webhooks')).status).toBe(401);
  });
});
