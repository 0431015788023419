// `npm run cli -- backup FILE` against a live server that keeps taking signups, and the restore
// the README documents: stop, put the backup at DATABASE_PATH, start with the same keys, verify.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { DevMail } from '../../src/mail/dev-mailbox.ts';
import {
  PROJECT_ROOT,
  makeTempDir,
  removeTempDirs,
  startServer,
  submitSignup,
  urlsIn,
  waitFor,
  type ServerProcess,
} from '../helpers/server-process.ts';

const run = promisify(execFile);
const ADMIN_KEY = 'backup-admin-key-0123456789';

/** Production-style: the keys live in the environment, so the restored server can share them. */
const KEYS = {
  TOKEN_SECRETS: `k1:${randomBytes(32).toString('base64url')}`,
  LOOKUP_KEY: randomBytes(32).toString('base64url'),
  ENCRYPTION_KEYS: `e1:${randomBytes(32).toString('base64')}`,
  ADMIN_API_KEY: ADMIN_KEY,
  // The traffic below comes from one address; keep the per-IP signup limit out of its way.
  RATE_LIMIT_SIGNUP: '10000/10m',
};

const servers: ServerProcess[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
  removeTempDirs();
});

function cli(args: string[], env: NodeJS.ProcessEnv) {
  return run(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: PROJECT_ROOT, env }).then(
    (result) => ({ code: 0, ...result }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
}

async function signUpAndConfirm(server: ServerProcess, email: string) {
  expect((await submitSignup(server, { email, categories: ['newsletter', 'offers'] })).status).toBe(200);
  const mail = await waitFor(
    async () => ((await (await server.fetch('/dev/mailbox.json')).json()) as DevMail[]).find((m) => m.to.includes(email)),
    { timeoutMs: 10_000, what: `the confirmation mail to ${email}` },
  );
  const base = `http://localhost:${server.port}`;
  const link = urlsIn(mail.text).find((url) => url.startsWith(base))!;
  expect((await server.fetch(link.slice(base.length), { method: 'POST' })).status).toBe(200);
}

async function consentsOf(server: ServerProcess, email: string) {
  const response = await server.fetch('/api/v1/sites/demo/contacts/lookup', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${ADMIN_KEY}` },
    body: JSON.stringify({ email }),
  });
  if (response.status !== 200) return response.status;
  const { contact } = (await response.json()) as { contact: { consents: { category: string; status: string }[] } };
  return Object.fromEntries(contact.consents.map((c) => [c.category, c.status]));
}

describe('an online backup', () => {
  it('is taken while the server serves, and restores to the same contacts and a ledger that verifies', async () => {
    const live = await startServer({ env: KEYS });
    servers.push(live);
    const people = Array.from({ length: 6 }, (_, i) => `backup-${i}@example.com`);
    for (const email of people) await signUpAndConfirm(live, email);

    // Requests keep coming while the backup runs: signups that write contacts, events and mail.
    let traffic = true;
    const answered: number[] = [];
    const load = (async () => {
      for (let i = 0; traffic; i++) {
        const response = await submitSignup(live, { email: `during-${i}@example.com`, categories: ['offers'] });
        answered.push(response.status);
      }
    })();
    await waitFor(() => answered.length >= 3, { what: 'traffic before the backup' });

    const dir = makeTempDir('assent-backup-');
    const file = join(dir, 'consent-backup.db');
    const before = answered.length;
    const backup = await cli(['backup', file], live.env);
    const during = answered.length - before;
    await waitFor(() => answered.length >= before + during + 2, { what: 'traffic after the backup' });
    traffic = false;
    await load;

    expect(backup.stderr).toBe('');
    expect(backup.code, backup.stdout).toBe(0);
    const reported = /Backed up .+ to (.+): (\d+) bytes \([\d.]+ MiB, (\d+) pages of \d+\), (\d+) contacts, (\d+) ledger events\./.exec(backup.stdout);
    expect(reported, backup.stdout).not.toBeNull();
    expect(reported![1]).toBe(file);
    expect(Number(reported![2])).toBe(statSync(file).size);
    const contacts = Number(reported![4]);
    expect(contacts).toBeGreaterThanOrEqual(people.length);
    expect(during, 'requests answered while the backup ran').toBeGreaterThan(0);
    expect(answered.every((status) => status === 200)).toBe(true);
    expect((statSync(file).mode & 0o777).toString(8)).toBe('600');

    // An existing backup is never overwritten by accident.
    const bytes = readFileSync(file);
    const again = await cli(['backup', file], live.env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`${file} already exists: choose another file, or pass --force to replace it.`);
    expect(readFileSync(file).equals(bytes)).toBe(true);
    const forced = await cli(['backup', join(dir, 'forced.db')], live.env);
    expect(forced.code).toBe(0);
    expect((await cli(['backup', join(dir, 'forced.db'), '--force'], live.env)).code).toBe(0);

    expect(await live.stop()).toEqual({ code: 0, signal: null });

    // Restore as the README says: the backup becomes DATABASE_PATH of a fresh start, same keys.
    const restoredDir = makeTempDir('assent-restored-');
    const databasePath = join(restoredDir, 'consent.db');
    copyFileSync(file, databasePath);
    expect(existsSync(`${databasePath}-wal`)).toBe(false);
    const restored = await startServer({ databasePath, env: KEYS });
    servers.push(restored);
    for (const email of people) {
      expect(await consentsOf(restored, email), email).toEqual({ newsletter: 'granted', offers: 'granted' });
    }
    const verified = await cli(['ledger', 'verify'], restored.env);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    expect(verified.stdout).toMatch(/^Ledger verified: \d+ events/);
    expect(Number(/Ledger verified: (\d+) events/.exec(verified.stdout)![1])).toBe(Number(reported![5]));
    // The restored database has exactly the contacts the backup reported, and still works.
    const recount = await cli(['backup', join(restoredDir, 'check.db')], restored.env);
    expect(recount.stdout).toContain(`, ${contacts} contacts,`);
    await signUpAndConfirm(restored, 'after-restore@example.com');
    expect(await consentsOf(restored, 'after-restore@example.com')).toEqual({ newsletter: 'granted', offers: 'granted' });
  }, 90_000);
});
