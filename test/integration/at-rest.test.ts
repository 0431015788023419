// The database file as a thief would see it, and the operator commands that guard it:
// `npm run cli -- ledger verify` and `npm run cli -- keys rotate`, run against a live server.
import BetterSqlite3 from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevMail } from '../../src/mail/dev-mailbox.ts';
import { PROJECT_ROOT, cleanEnv, removeTempDirs, startServer, submitSignup, urlsIn, waitFor, type ServerProcess } from '../helpers/server-process.ts';

const run = promisify(execFile);
const PEOPLE = [
  { email: 'Keiko.Tanaka@example.jp', name: '田中 恵子' },
  { email: 'max.mustermann@example.de', name: 'Max Mustermann' },
];
const AGENT = 'AtRestBrowser/9.9 (evidence check)';

let server: ServerProcess;

function cli(args: string[], env: NodeJS.ProcessEnv) {
  return run(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: PROJECT_ROOT, env }).then(
    (result) => ({ code: 0, ...result }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
}

beforeAll(async () => {
  server = await startServer();
  const baseUrl = `http://localhost:${server.port}`;
  for (const person of PEOPLE) {
    const res = await submitSignup(
      { fetch: (path, init) => server.fetch(path, { ...init, headers: { ...Object.fromEntries(new Headers(init?.headers)), 'User-Agent': AGENT } }) },
      { email: person.email, name: person.name, categories: ['newsletter'] },
    );
    expect(res.status).toBe(200);
    const mail = await waitFor(async () => {
      const mails = (await (await server.fetch('/dev/mailbox.json')).json()) as DevMail[];
      return mails.find((m) => m.to.includes(person.email) && m.subject.startsWith('Confirm'));
    }, { timeoutMs: 10_000 });
    const link = urlsIn(mail.text).find((url) => url.startsWith(baseUrl))!;
    await server.fetch(link.slice(baseUrl.length), { method: 'POST', headers: { 'User-Agent': AGENT } });
  }
  // Let the server seal the ledger (every 2 s) and stop, so everything is in the file.
  await new Promise((resolve) => setTimeout(resolve, 2500));
  await server.stop();
}, 60_000);

afterAll(async () => {
  await server?.stop();
  removeTempDirs();
});

describe('a copy of the database file', () => {
  it('holds none of the addresses, names, IPs or user agents it was given', () => {
    const dir = dirname(server.databasePath);
    const files = readdirSync(dir).filter((name) => name.startsWith('consent.db'));
    const bytes = Buffer.concat(files.map((name) => readFileSync(join(dir, name))));
    const secrets = PEOPLE.flatMap((p) => [p.email, p.email.toLowerCase(), p.name]).concat(['127.0.0.1', AGENT]);
    for (const secret of secrets) {
      expect(bytes.includes(Buffer.from(secret, 'utf8')), secret).toBe(false);
      expect(bytes.includes(Buffer.from(secret, 'utf16le')), secret).toBe(false);
    }
    // It really is the database the people signed up into.
    const db = new BetterSqlite3(server.databasePath, { readonly: true });
    expect(db.prepare('SELECT count(*) AS n FROM contacts').get()).toEqual({ n: 2 });
    db.close();
  });
});

describe('npm run cli -- ledger verify', () => {
  it('verifies the ledger the server sealed, then names the first bad event after an edit', async () => {
    const env = cleanEnv({ DATABASE_PATH: server.databasePath });
    const good = await cli(['ledger', 'verify'], env);
    expect(good.code, good.stderr).toBe(0);
    expect(good.stdout).toMatch(/Ledger verified: 4 events, 4 sealed/);

    const db = new BetterSqlite3(server.databasePath);
    db.exec("DROP TRIGGER consent_events_no_update; UPDATE consent_events SET action = 'granted' WHERE id = 2");
    db.close();
    const bad = await cli(['ledger', 'verify'], env);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('First bad event: 2');
  }, 30_000);
});

describe('npm run cli -- api-key', () => {
  it('creates a site key shown once, lists it without the secret, and revokes it', async () => {
    const env = cleanEnv({ DATABASE_PATH: server.databasePath });
    const created = await cli(['api-key', 'create', '--site', 'demo', '--label', 'CRM sync'], env);
    expect(created.code, created.stderr).toBe(0);
    const key = /^(assent_\w+)$/m.exec(created.stdout)?.[1];
    expect(key).toBeDefined();
    const id = key!.split('_')[1]!;

    const live = await startServer({ databasePath: server.databasePath, env: { ADMIN_API_KEY: '' } });
    try {
      const answer = await live.fetch('/api/v1/sites/demo/contacts/lookup', {
        method: 'POST',
        headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ email: PEOPLE[0]!.email }),
      });
      expect(answer.status).toBe(200);
    } finally {
      await live.stop();
    }

    const listed = await cli(['api-key', 'list'], env);
    expect(listed.stdout).toContain(`${id}  site demo  active`);
    expect(listed.stdout).not.toContain(key!.split('_')[2]!);
    expect((await cli(['api-key', 'revoke', id], env)).code).toBe(0);
    expect((await cli(['api-key', 'list'], env)).stdout).toContain(`${id}  site demo  revoked`);
    expect((await cli(['api-key', 'create', '--site', 'nope'], env)).code).toBe(1);
    expect((await cli(['api-key', 'create'], env)).code).toBe(2);
  }, 60_000);
});

describe('npm run cli -- keys rotate', () => {
  it('re-encrypts under a new key while the server keeps serving, after which the old key can go', async () => {
    const secrets = JSON.parse(readFileSync(join(dirname(server.databasePath), 'secrets.json'), 'utf8'));
    const newKey = `e2:${Buffer.alloc(32, 42).toString('base64')}`;
    const both = { DATABASE_PATH: server.databasePath, ENCRYPTION_KEYS: `${newKey},${secrets.ENCRYPTION_KEYS}` };
    const live = await startServer({ databasePath: server.databasePath, env: both });
    try {
      const rotation = await cli(['keys', 'rotate'], cleanEnv(both));
      expect(rotation.code, rotation.stderr).toBe(0);
      expect(rotation.stdout).toMatch(/Re-encrypted \d+ values under key "e2"/);
      expect((await live.fetch('/s/demo')).status).toBe(200);
    } finally {
      await live.stop();
    }
    const db = new BetterSqlite3(server.databasePath, { readonly: true });
    const emails = db.prepare('SELECT email FROM contacts').all() as { email: string }[];
    db.close();
    expect(emails.every((row) => row.email.startsWith('enc:v1:e2:'))).toBe(true);

    // Only the new key now: the server starts and shows the dev mailbox, addresses readable.
    const newOnly = await startServer({ databasePath: server.databasePath, env: { ENCRYPTION_KEYS: newKey } });
    try {
      const mails = (await (await newOnly.fetch('/dev/mailbox.json')).json()) as DevMail[];
      expect(mails.flatMap((m) => m.to)).toContain(PEOPLE[0]!.email);
    } finally {
      await newOnly.stop();
    }
  }, 60_000);
});
