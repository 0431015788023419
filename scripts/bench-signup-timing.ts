// Does the signup answer take the same time whatever the address's state? Starts the real server
// on a fresh database, prepares confirmed (imported, granted) and withdrawn (imported, then
// unsubscribed by one-click) addresses through the API, then submits the signup form for new,
// confirmed and withdrawn addresses in turn, one request at a time, and prints the medians.
//   npm run bench:signup-timing [-- --rounds 200]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1] ?? 200) || 200;
const ADMIN_KEY = 'bench-admin-key-0123456789abcdef';

const port = await new Promise<number>((resolve) => {
  const probe = createServer().listen(0, '127.0.0.1', () => {
    const { port } = probe.address() as { port: number };
    probe.close(() => resolve(port));
  });
});
const dir = mkdtempSync(join(tmpdir(), 'assent-timing-'));
const server = spawn(process.execPath, ['--import', 'tsx', 'src/node.ts'], {
  env: {
    ...process.env,
    PORT: String(port),
    DATABASE_PATH: join(dir, 'consent.db'),
    ADMIN_API_KEY: ADMIN_KEY,
    RATE_LIMIT_SIGNUP: '1000000/1m',
    RATE_LIMIT_LINKS: '1000000/1m',
    RATE_LIMIT_API: '1000000/1m',
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
await new Promise<void>((resolve) => server.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('assent listening') && resolve()));
const base = `http://127.0.0.1:${port}`;

async function api(path: string, body: unknown) {
  const res = await fetch(`${base}/api/v1/sites/demo${path}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<Record<string, any>>;
}

try {
  const item = (email: string) => ({ email, categories: ['newsletter', 'offers'], method: 'previous_system', occurredAt: '2026-10-01T09:00:00Z' });
  const confirmed = Array.from({ length: rounds }, (_, i) => `confirmed${i}@example.com`);
  const withdrawn = Array.from({ length: rounds }, (_, i) => `withdrawn${i}@example.com`);
  await api('/imports', { importId: 'bench', items: [...confirmed, ...withdrawn].map(item) });
  for (const email of withdrawn) {
    const { unsubscribeUrl } = await api('/contacts/links', { email });
    await fetch(`${base}${new URL(unsubscribeUrl).pathname}`, {
      method: 'POST',
      body: 'List-Unsubscribe=One-Click',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
  }
  const page = await (await fetch(`${base}/s/demo`)).text();
  const consent = /name="consent" value="([0-9a-f]{64})"/.exec(page)![1]!;
  // Like a browser, the form's own hash too: the server checks it and stores the form.
  const form = /name="form" value="([0-9a-f]{64})"/.exec(page)?.[1] ?? '';
  const signup = async (email: string) => {
    const body = new URLSearchParams({ email, name: '', lang: 'en', consent, form, categories: 'newsletter' });
    body.append('categories', 'offers');
    const started = performance.now();
    const res = await fetch(`${base}/s/demo`, { method: 'POST', body, headers: { Origin: base } });
    await res.text();
    if (res.status !== 200) throw new Error(`signup answered ${res.status}`);
    return performance.now() - started;
  };
  // Warm up (JIT, caches) on addresses outside the measured sets.
  for (let i = 0; i < 30; i++) await signup(`warmup${i}@example.com`);

  const times: Record<'new' | 'confirmed' | 'withdrawn', number[]> = { new: [], confirmed: [], withdrawn: [] };
  for (let i = 0; i < rounds; i++) {
    // Rotate the order so that no state always follows the same one.
    const turn: [keyof typeof times, string][] = [
      ['new', `new${i}@example.com`],
      ['confirmed', confirmed[i]!],
      ['withdrawn', withdrawn[i]!],
    ];
    for (let k = 0; k < 3; k++) {
      const [state, email] = turn[(i + k) % 3]!;
      times[state].push(await signup(email));
    }
  }
  const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return (sorted[(sorted.length - 1) >> 1]! + sorted[sorted.length >> 1]!) / 2;
  };
  const reference = median(times.new);
  console.log(`signup answer time, ${rounds} interleaved requests per state (median):`);
  for (const [state, values] of Object.entries(times)) {
    const m = median(values);
    console.log(`  ${state.padEnd(10)} ${m.toFixed(2)} ms  (${((m / reference) * 100).toFixed(0)} % of new)`);
  }
} finally {
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('close', resolve));
  rmSync(dir, { recursive: true, force: true });
}
