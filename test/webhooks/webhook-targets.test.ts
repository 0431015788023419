// Registering a webhook: every spelling of an address inside the network is refused with a 400
// naming `url`, so a site key cannot aim the sender at the metadata service or the LAN.
import { describe, expect, it } from 'vitest';
import { ADMIN_KEY, makeTestApp, type TestApp } from '../helpers/test-app.ts';

const register = (t: TestApp, url: string) =>
  t.request('/api/v1/sites/demo/webhooks', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${ADMIN_KEY}` },
    body: JSON.stringify({ url, events: ['consent.granted'] }),
  });

async function expectRefused(t: TestApp, url: string) {
  const res = await register(t, url);
  const body = await res.json();
  expect({ url, status: res.status }).toEqual({ url, status: 400 });
  expect(body.error.code).toBe('invalid_request');
  expect(body.error.details.map((d: { path: string }) => d.path)).toEqual(['url']);
}

const INSIDE = [
  // cloud metadata, private, loopback in every spelling the URL parser understands
  'https://169.254.169.254/latest/meta-data/',
  'https://10.0.0.1/',
  'https://172.16.0.1/hook',
  'https://192.168.1.1:8443/hook',
  'http://127.1',
  'https://127.1/',
  'https://127.0.0.1./',
  'https://0x7f000001/',
  'https://2130706433/',
  'https://0177.0.0.1/',
  'https://017700000001/',
  'https://0x7f.1/',
  'https://１２７.０.０.１/',
  'https://%31%32%37.0.0.1/',
  // IPv6, and IPv4 inside IPv6
  'https://[::1]/',
  'https://[0:0:0:0:0:0:0:1]:8080/',
  'https://[::ffff:127.0.0.1]/',
  'https://[::ffff:7f00:1]/',
  'https://[::ffff:a9fe:a9fe]/',
  'https://[::127.0.0.1]/',
  'https://[64:ff9b::a9fe:a9fe]/',
  'https://[2002:a00:1::]/',
  'https://[fd00::1]/',
  'https://[fc00::1]/',
  'https://[fe80::1]/',
  'https://[::]/',
  'https://[ff02::1]/',
  // CGNAT, unspecified, multicast, broadcast
  'https://100.64.0.1/',
  'https://100.100.100.200/',
  'https://0.0.0.0/',
  'https://0/',
  'https://224.0.0.1/',
  'https://255.255.255.255/',
  // names that only mean something inside
  'https://metadata.google.internal/computeMetadata/v1/',
  'https://metadata/',
  'https://instance-data/latest/',
  'https://localhost/',
  'https://LOCALHOST./',
  'https://%6c%6fcalhost/',
  'https://ｌｏｃａｌｈｏｓｔ/',
  'https://api.localhost/',
  'https://printer.local/',
  'https://router.home.arpa/',
  'https://db.internal/',
  'https://nas.localdomain/',
  'https://intranet/',
];

describe('registering a webhook endpoint', () => {
  it('refuses every address and name inside the network, and stores none of them', async () => {
    const t = await makeTestApp();
    for (const url of INSIDE) await expectRefused(t, url);
    expect(await t.db.selectFrom('webhook_endpoints').select('id').execute()).toEqual([]);
  });

  it('refuses plain http, credentials in the URL, and localhost without WEBHOOK_ALLOW_LOOPBACK', async () => {
    const t = await makeTestApp();
    for (const url of ['http://example.com/hook', 'https://user:secret@example.com/hook', 'https://token@example.com/hook', 'http://localhost:8080/hook', 'http://127.0.0.1:8080/hook', 'http://[::1]:8080/hook', 'ftp://example.com/hook']) {
      await expectRefused(t, url);
    }
  });

  it('says why, in words', async () => {
    const t = await makeTestApp();
    const { error } = await (await register(t, 'https://0x7f000001/')).json();
    expect(error.details[0].message).toContain('127.0.0.1 is not a public internet address');
    const named = await (await register(t, 'https://metadata.google.internal/')).json();
    expect(named.error.details[0].message).toContain('metadata.google.internal is a local or cloud metadata name');
  });

  it('accepts public https URLs on any port, stored as the parser reads them', async () => {
    const t = await makeTestApp();
    const cases = [
      ['https://example.com/hook', 'https://example.com/hook'],
      ['https://Hooks.Example.COM:8443/a?b=c', 'https://hooks.example.com:8443/a?b=c'],
      ['https://8.8.8.8/hook', 'https://8.8.8.8/hook'],
      ['https://[2606:4700:4700:0::1111]/hook', 'https://[2606:4700:4700::1111]/hook'],
      ['https://crm.example.com./hook', 'https://crm.example.com./hook'],
    ];
    for (const [typed, stored] of cases) {
      const res = await register(t, typed!);
      expect({ typed, status: res.status }).toEqual({ typed, status: 201 });
      expect((await res.json()).url).toBe(stored);
    }
  });

  it('with WEBHOOK_ALLOW_LOOPBACK allows loopback over http or https, and nothing else inside', async () => {
    const t = await makeTestApp({ WEBHOOK_ALLOW_LOOPBACK: 'true' });
    for (const url of ['http://127.0.0.1:8080/hook', 'http://127.1/hook', 'http://localhost:3001/hook', 'http://[::1]:8080/hook', 'https://127.0.0.2/hook', 'http://[::ffff:127.0.0.1]/hook']) {
      const res = await register(t, url);
      expect({ url, status: res.status }).toEqual({ url, status: 201 });
    }
    for (const url of ['http://10.0.0.1/', 'https://169.254.169.254/', 'https://[fd00::1]/', 'http://example.com/hook', 'https://printer.local/', 'http://api.localhost/']) {
      await expectRefused(t, url);
    }
  });
});
