// Behind a reverse proxy: with TRUSTED_PROXIES the real server takes the client from
// X-Forwarded-For (evidence and rate limits); without it, the header is ignored.
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, startServer, type ServerProcess } from '../helpers/server-process.ts';

const ADMIN_KEY = 'integration-admin-key-0123456789';
const servers: ServerProcess[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
  removeTempDirs();
});

async function start(env: Record<string, string>) {
  const server = await startServer({ env: { ADMIN_API_KEY: ADMIN_KEY, RATE_LIMIT_SIGNUP: '2/10m', ...env } });
  servers.push(server);
  return server;
}

/** The signup form as a browser behind the proxy posts it; the proxy adds X-Forwarded-For. */
async function signupVia(server: ServerProcess, email: string, forwardedFor: string) {
  const html = await (await server.fetch('/s/demo')).text();
  const consent = /name="consent" value="([0-9a-f]{64})"/.exec(html)![1]!;
  const form = new URLSearchParams({ email, name: '', lang: 'en', consent, categories: 'newsletter' });
  const res = await server.fetch('/s/demo', {
    method: 'POST',
    body: form,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Forwarded-For': forwardedFor },
  });
  await res.arrayBuffer();
  return res.status;
}

async function recordedIps(server: ServerProcess, email: string): Promise<string[]> {
  const headers = { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/json' };
  const lookup = await server.fetch('/api/v1/sites/demo/contacts/lookup', { method: 'POST', headers, body: JSON.stringify({ email }) });
  expect(lookup.status).toBe(200);
  const { contact } = (await lookup.json()) as { contact: { id: string } };
  const events = await server.fetch(`/api/v1/sites/demo/contacts/${contact.id}/events`, { headers });
  return ((await events.json()) as { events: { ip: string | null }[] }).events.map((event) => event.ip!);
}

describe('TRUSTED_PROXIES on the Node server', () => {
  it('records the forwarded client as the person and gives each client its own signup bucket', async () => {
    const server = await start({ TRUSTED_PROXIES: '127.0.0.1' });
    expect(await signupVia(server, 'proxied-1@example.com', '198.51.100.23')).toBe(200);
    expect(await recordedIps(server, 'proxied-1@example.com')).toEqual(['198.51.100.23']);

    // A client that puts its own X-Forwarded-For in front changes nothing: our proxy appended
    // the address it saw, and that is the one believed.
    expect(await signupVia(server, 'proxied-2@example.com', '10.9.9.9, 198.51.100.23')).toBe(200);
    expect(await recordedIps(server, 'proxied-2@example.com')).toEqual(['198.51.100.23']);
    // The third from that client is over RATE_LIMIT_SIGNUP=2; another client still gets in.
    expect(await signupVia(server, 'proxied-3@example.com', '198.51.100.23')).toBe(429);
    expect(await signupVia(server, 'proxied-4@example.com', '198.51.100.24')).toBe(200);
    expect(await recordedIps(server, 'proxied-4@example.com')).toEqual(['198.51.100.24']);
  });

  it('ignores the header when the peer is not a trusted proxy', async () => {
    for (const env of [{}, { TRUSTED_PROXIES: '10.0.0.1' }] as Record<string, string>[]) {
      const server = await start(env);
      expect(await signupVia(server, 'direct-1@example.com', '198.51.100.23')).toBe(200);
      expect(await recordedIps(server, 'direct-1@example.com')).toEqual(['127.0.0.1']);
      // Every "client" is really the one peer: one bucket for all of them.
      expect(await signupVia(server, 'direct-2@example.com', '198.51.100.24')).toBe(200);
      expect(await signupVia(server, 'direct-3@example.com', '198.51.100.25')).toBe(429);
    }
  });
});
