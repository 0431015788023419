// Delivering a webhook through the real Node transport: a name that resolves inside is refused
// before any connection, the connection goes to exactly the address that was checked, and the
// deliveries API tells the operator only `connection failed`, `timeout`, `tls` or the status.
import { createServer as createHttpServer, type IncomingHttpHeaders } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../src/deps.ts';
import { deliverDueWebhooks } from '../../src/webhooks/deliveries.ts';
import { nodeWebhookTransport, type Resolver } from '../../src/webhooks/node-transport.ts';
import { ADMIN_KEY, makeTestApp, type TestApp } from '../helpers/test-app.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

const listen = async <S extends Server>(server: S, host: string, port = 0) => {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as AddressInfo).port;
};

/** A TCP listener that counts connections and answers with `reply` (or holds them open). */
async function tcpListener(host: string, port = 0, reply?: string) {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createNetServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('error', () => {});
    if (reply !== undefined) socket.end(reply);
  });
  cleanups.push(async () => {
    for (const socket of sockets) socket.destroy();
  });
  const bound = await listen(server, host, port);
  return { port: bound, connections: () => connections };
}

/** A port that was free a moment ago: nobody listens there. */
async function freePort() {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** An HTTP receiver that answers every request with `status` (and optional headers). */
async function httpReceiver(host: string, status = 200, headers: Record<string, string> = {}) {
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  const server = createHttpServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(status, headers).end('ok');
    });
  });
  const port = await listen(server, host);
  return { port, received };
}

function capturingLog(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
}

const api = (t: TestApp, path: string, body?: unknown) =>
  t.request(`/api/v1${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${ADMIN_KEY}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

async function registerAndQueue(t: TestApp, url: string, email = 'pat@example.com') {
  const res = await api(t, '/sites/demo/webhooks', { url, events: ['consent.requested'] });
  expect(res.status).toBe(201);
  const endpoint = (await res.json()) as { id: string; secret: string };
  await t.signup({ email, categories: ['newsletter'] });
  return endpoint;
}

async function deliveriesOf(t: TestApp, id: string) {
  const res = await api(t, `/sites/demo/webhooks/${id}/deliveries`);
  return ((await res.json()) as { deliveries: { status: string; lastStatusCode: number | null; lastError: string | null }[] }).deliveries;
}

/** What must never reach the operator: OS and TLS error texts that map the network. */
const LEAKS = /ECONN|EHOST|ENET|ENOTFOUND|EAI_|socket|certificate|self.signed|SSL|wrong version|refused:|resolves|127\.0\.0\.1|hang up/i;

const resolverOf = (...answers: string[][]) => {
  const calls: string[] = [];
  const resolve: Resolver = async (hostname) => {
    calls.push(hostname);
    return (answers[Math.min(calls.length - 1, answers.length - 1)] ?? []).map((address) => ({ address }));
  };
  return { resolve, calls };
};

describe('webhook delivery on Node', () => {
  it('refuses a public-looking name that resolves to loopback, before connecting to it', async () => {
    const t = await makeTestApp();
    t.deps.log = capturingLog();
    const listener = await tcpListener('127.0.0.1');
    const endpoint = await registerAndQueue(t, `https://hooks.example.com:${listener.port}/hook`);
    const { resolve, calls } = resolverOf(['127.0.0.1']);
    const post = nodeWebhookTransport({ allowLoopback: false, resolve });

    expect(await deliverDueWebhooks(t.deps, post)).toEqual({ delivered: 0, retrying: 1, failed: 0 });
    expect(calls).toEqual(['hooks.example.com']);
    expect(listener.connections()).toBe(0);
    const [row] = await deliveriesOf(t, endpoint.id);
    expect(row).toMatchObject({ status: 'queued', lastStatusCode: null, lastError: 'connection failed' });
    // The server log says why; the API does not.
    expect((t.deps.log as ReturnType<typeof capturingLog>).lines.join('\n')).toContain('hooks.example.com resolves to 127.0.0.1');
  });

  it('refuses a name when any one of its addresses is inside', async () => {
    const t = await makeTestApp();
    const listener = await tcpListener('127.0.0.1');
    const endpoint = await registerAndQueue(t, `https://mixed.example.com:${listener.port}/hook`);
    for (const answer of [['8.8.8.8', '127.0.0.1'], ['::1', '2606:4700:4700::1111'], ['169.254.169.254'], ['::ffff:10.0.0.1'], []]) {
      t.clock.advance(24 * 3600_000); // past any retry wait
      const post = nodeWebhookTransport({ allowLoopback: false, resolve: resolverOf(answer).resolve });
      await deliverDueWebhooks(t.deps, post);
      expect((await deliveriesOf(t, endpoint.id))[0]!.lastError).toBe('connection failed');
    }
    expect(listener.connections()).toBe(0);
  });

  it('refuses a stored URL that points inside (registered before this check) without a lookup', async () => {
    const t = await makeTestApp();
    const receiver = await httpReceiver('127.0.0.1');
    const endpoint = await registerAndQueue(t, 'https://hooks.example.com/hook');
    await t.db.updateTable('webhook_endpoints').set({ url: `http://127.0.0.1:${receiver.port}/hook` }).where('id', '=', endpoint.id).execute();
    const { resolve, calls } = resolverOf(['8.8.8.8']);
    await deliverDueWebhooks(t.deps, nodeWebhookTransport({ allowLoopback: false, resolve }));
    expect(receiver.received).toHaveLength(0);
    expect(calls).toEqual([]);
    expect((await deliveriesOf(t, endpoint.id))[0]!.lastError).toBe('connection failed');
  });

  it('connects to the address it checked, asking DNS once (no rebinding between check and connect)', async () => {
    const t = await makeTestApp({ WEBHOOK_ALLOW_LOOPBACK: 'true' });
    // The name first resolves to 127.0.0.1, then to 127.0.0.2. Both listen on the same port;
    // 127.0.0.1 answers with bytes that are not TLS, so the attempt fails as `tls`.
    const checked = await tcpListener('127.0.0.1', 0, 'HTTP/1.1 400 Bad Request\r\n\r\n');
    const other = await tcpListener('127.0.0.2', checked.port);
    const endpoint = await registerAndQueue(t, `https://rebind.example.com:${checked.port}/hook`);
    const { resolve, calls } = resolverOf(['127.0.0.1'], ['127.0.0.2']);

    await deliverDueWebhooks(t.deps, nodeWebhookTransport({ allowLoopback: true, resolve }));
    expect(calls).toHaveLength(1);
    expect(checked.connections()).toBe(1);
    expect(other.connections()).toBe(0);
    expect((await deliveriesOf(t, endpoint.id))[0]).toMatchObject({ lastStatusCode: null, lastError: 'tls' });
  });

  it('shows only coarse errors: connection failed, timeout, tls and the status of a redirect', async () => {
    const t = await makeTestApp({ WEBHOOK_ALLOW_LOOPBACK: 'true' });
    const closedPort = await freePort();
    const silent = await tcpListener('127.0.0.1'); // accepts, never answers
    const notTls = await tcpListener('127.0.0.1', 0, 'HTTP/1.1 200 OK\r\n\r\n');
    const elsewhere = await httpReceiver('127.0.0.1');
    const redirect = await httpReceiver('127.0.0.1', 302, { Location: `http://127.0.0.1:${elsewhere.port}/hook` });
    const post = nodeWebhookTransport({ allowLoopback: true });
    const impatient = nodeWebhookTransport({ allowLoopback: true, timeoutMs: 300 });

    const cases = [
      [`http://127.0.0.1:${closedPort}/hook`, 'connection failed', 'queued', post],
      [`http://127.0.0.1:${silent.port}/hook`, 'timeout', 'queued', impatient],
      [`https://127.0.0.1:${notTls.port}/hook`, 'tls', 'queued', post],
      [`http://127.0.0.1:${redirect.port}/hook`, 'HTTP 302', 'failed', post],
    ] as const;
    for (const [index, [url, error, status, transport]] of cases.entries()) {
      const endpoint = await registerAndQueue(t, url, `case-${index}@example.com`);
      await deliverDueWebhooks(t.deps, transport);
      const rows = await deliveriesOf(t, endpoint.id);
      expect({ url, ...rows[0] }).toMatchObject({ url, status, lastError: error, lastStatusCode: error === 'HTTP 302' ? 302 : null });
      expect(JSON.stringify(rows)).not.toMatch(LEAKS);
      await t.request(`/api/v1/sites/demo/webhooks/${endpoint.id}`, { method: 'DELETE', headers: { Authorization: `Bearer ${ADMIN_KEY}` } });
    }
    // The redirect was not followed.
    expect(redirect.received).toHaveLength(1);
    expect(elsewhere.received).toHaveLength(0);
    const list = await (await api(t, '/sites/demo/webhooks')).text();
    expect(list).not.toMatch(LEAKS);
  });

  it('with WEBHOOK_ALLOW_LOOPBACK delivers signed requests to a local name, sent with its Host', async () => {
    const t = await makeTestApp({ WEBHOOK_ALLOW_LOOPBACK: 'true' });
    t.clock.set(new Date().toISOString()); // Webhook.verify checks the timestamp against the real clock
    const receiver = await httpReceiver('127.0.0.1');
    const endpoint = await registerAndQueue(t, `http://localhost:${receiver.port}/hook?x=1`);
    const { resolve } = resolverOf(['127.0.0.1']);
    expect(await deliverDueWebhooks(t.deps, nodeWebhookTransport({ allowLoopback: true, resolve }))).toEqual({ delivered: 1, retrying: 0, failed: 0 });
    const [request] = receiver.received;
    expect(request!.headers.host).toBe(`localhost:${receiver.port}`);
    expect(new Webhook(endpoint.secret).verify(request!.body, request!.headers as Record<string, string>)).toMatchObject({ type: 'consent.requested' });
    expect((await deliveriesOf(t, endpoint.id))[0]).toMatchObject({ status: 'delivered', lastStatusCode: 200, lastError: null });
  });
});
