// The real server as an operator deploys it: what a public BASE_URL demands and hides, and what a
// local trial keeps showing.
import BetterSqlite3 from 'better-sqlite3';
import { chmodSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  findFreePort,
  makeTempDir,
  removeTempDirs,
  runUntilExit,
  startFakeResend,
  startServer,
  submitSignup,
  type FakeResend,
  type ServerProcess,
} from '../helpers/server-process.ts';

const started: ServerProcess[] = [];
let fake: FakeResend | undefined;
afterAll(async () => {
  await Promise.all(started.map((server) => server.stop()));
  await fake?.close();
  removeTempDirs();
});

async function start(...args: Parameters<typeof startServer>) {
  const server = await startServer(...args);
  started.push(server);
  return server;
}

function siteCount(databasePath: string): number {
  const db = new BetterSqlite3(databasePath, { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM sites').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('a public BASE_URL', () => {
  it('refuses to start without RESEND_API_KEY, naming it', async () => {
    const result = await runUntilExit({
      PORT: String(await findFreePort()),
      DATABASE_PATH: join(makeTempDir(), 'consent.db'),
      BASE_URL: 'https://consent.example.com',
    });
    const output = `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
    expect(result.timedOut, output).toBe(false);
    expect(result.code, output).toBe(1);
    expect(result.stderr).toContain('Configuration error: RESEND_API_KEY: is required when BASE_URL (https://consent.example.com) is not local');
    expect(result.stderr).not.toMatch(/\n\s+at /); // a sentence, not a stack trace
    expect(result.stdout).not.toContain('assent listening');
  });

  it('with RESEND_API_KEY, serves no dev mailbox and seeds no demo site', async () => {
    fake = await startFakeResend();
    const server = await start({
      env: { BASE_URL: 'https://consent.example.com', RESEND_API_KEY: 're_test_123', RESEND_BASE_URL: fake.url },
    });
    for (const path of ['/dev/mailbox', '/dev/mailbox.json', '/s/demo']) {
      expect((await server.fetch(path)).status, path).toBe(404);
    }
    expect(server.stdout()).not.toContain('/s/demo');
    expect(server.stdout()).not.toContain('dev mailbox');
    await server.stop();
    expect(siteCount(server.databasePath)).toBe(0);
  });
});

describe('a real RESEND_API_KEY with the default MAIL_FROM', () => {
  it('warns at start that Resend delivers it only to the account owner, naming MAIL_FROM', async () => {
    fake ??= await startFakeResend();
    const env = { RESEND_API_KEY: 're_test_123', RESEND_BASE_URL: fake.url };
    const server = await start({ env });
    expect(server.stderr()).toContain("warning: MAIL_FROM is onboarding@resend.dev, Resend's test sender, which Resend delivers only to your own Resend account's address");
    const own = await start({ env: { ...env, MAIL_FROM: 'Shop <news@shop.example>' } });
    expect(own.stderr()).not.toContain('MAIL_FROM');
  });
});

describe('a local BASE_URL', () => {
  it('keeps the dev mailbox and the demo site, as the quick start says', async () => {
    const port = await findFreePort();
    const server = await start({ port, env: { BASE_URL: `http://127.0.0.1:${port}` } });
    expect((await server.fetch('/s/demo')).status).toBe(200);
    expect((await server.fetch('/dev/mailbox')).status).toBe(200);
    expect(server.stdout()).toContain(`mail goes to the dev mailbox at http://127.0.0.1:${port}/dev/mailbox`);
    await server.stop();
    expect(siteCount(server.databasePath)).toBe(1);
  });
});

describe('a port in use', () => {
  it('stops the start with one line naming PORT, exit code 1', async () => {
    const port = await findFreePort();
    // Listening on every address, as a second assent (or anything else) would.
    const other: Server = createServer();
    await new Promise<void>((resolve) => other.listen(port, resolve));
    try {
      const result = await runUntilExit({ PORT: String(port), DATABASE_PATH: join(makeTempDir(), 'consent.db') });
      const output = `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
      expect(result.timedOut, output).toBe(false);
      expect(result.code, output).toBe(1);
      const errors = result.stderr.split('\n').filter((line) => line.trim() && !line.startsWith('warning: '));
      expect(errors, output).toEqual([`PORT ${port} is already in use: stop the other server or set PORT.`]);
      expect(result.stdout).not.toContain('assent listening');
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
  });
});

describe('the files holding secrets and personal data', () => {
  const mode = (path: string) => statSync(path).mode & 0o777;

  it.each(['022', '000'])('are private to the service user under umask %s', async (mask) => {
    const dir = join(makeTempDir(), 'var', 'data'); // both levels created by the server
    const previous = process.umask(parseInt(mask, 8)); // the child inherits it
    let server: ServerProcess;
    try {
      server = await start({ databasePath: join(dir, 'consent.db') });
    } finally {
      process.umask(previous);
    }
    // A write, so that the WAL and its shared-memory file exist.
    expect((await submitSignup(server, { email: 'modes@example.com', categories: ['newsletter'] })).status).toBe(200);
    expect(mode(dir).toString(8)).toBe('700');
    expect(mode(dirname(dir)).toString(8)).toBe('700');
    for (const file of ['consent.db', 'consent.db-wal', 'consent.db-shm', 'secrets.json']) {
      expect(mode(join(dir, file)).toString(8), file).toBe('600');
    }
    await server.stop();
  });

  it('are set back to 0600 at start when found looser, with a warning naming each', async () => {
    const first = await start();
    await first.stop();
    const databasePath = first.databasePath;
    const secretsFile = join(dirname(databasePath), 'secrets.json');
    chmodSync(databasePath, 0o644);
    chmodSync(secretsFile, 0o640);

    const again = await start({ databasePath });
    expect(mode(databasePath).toString(8)).toBe('600');
    expect(mode(secretsFile).toString(8)).toBe('600');
    expect(again.stderr()).toContain(`warning: ${databasePath} had mode 0644, open to other users of this host; set it to 0600`);
    expect(again.stderr()).toContain(`warning: ${secretsFile} had mode 0640, open to other users of this host; set it to 0600`);
  });
});
