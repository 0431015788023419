// What `npm start` runs: `npm run build`, then the bundle in plain Node (no TypeScript loader),
// started from a folder other than the project's, as systemd or a shell elsewhere would. The
// bundle finds migrations/ and static/ from its own location, renders the JSX pages, and takes a
// signup through to confirmation; the built operator command reads the same database.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevMail } from '../../src/mail/dev-mailbox.ts';
import {
  PROJECT_ROOT,
  cleanEnv,
  makeTempDir,
  removeTempDirs,
  startFakeResend,
  startServer,
  submitSignup,
  urlsIn,
  waitFor,
  type ServerProcess,
} from '../helpers/server-process.ts';

const run = promisify(execFile);
const SERVER = join(PROJECT_ROOT, 'dist', 'node', 'server.js');
const CLI = join(PROJECT_ROOT, 'dist', 'node', 'cli.js');

describe('the built server', () => {
  let server: ServerProcess;
  const elsewhere = makeTempDir('assent-cwd-');

  beforeAll(async () => {
    await run('npm', ['run', '--silent', 'build'], { cwd: PROJECT_ROOT });
    server = await startServer({ entry: { args: [SERVER], cwd: elsewhere } });
  });
  afterAll(async () => {
    await server?.stop();
    removeTempDirs();
  });

  it('applies the migrations and serves the signup page with its stylesheet and the embed script', async () => {
    expect(server.stdout()).toContain('Applied migrations: 0001_init.sql');
    const page = await server.fetch('/s/demo');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toMatch(/name="categories" value="newsletter"/);
    const assets = [...html.matchAll(/(?:href|src)="(\/static\/[^"]+)"/g)].map((match) => match[1]!);
    expect(assets.some((path) => /^\/static\/app\.[0-9a-f]{10}\.css$/.test(path))).toBe(true);
    for (const path of assets) expect((await server.fetch(path)).status, path).toBe(200);
    const embed = await server.fetch('/embed.js');
    expect(embed.status).toBe(200);
    expect(await embed.text()).toBe(readFileSync(join(PROJECT_ROOT, 'static', 'embed.js'), 'utf8'));
  });

  it('takes a signup into the dev mailbox and confirms it', async () => {
    const email = 'built@example.com';
    const signup = await submitSignup(server, { email, categories: ['newsletter'] });
    expect(signup.status).toBe(200);
    expect(await signup.text()).toContain('Check your inbox');
    const mail = await waitFor(
      async () => ((await (await server.fetch('/dev/mailbox.json')).json()) as DevMail[]).find((m) => m.to.includes(email)),
      { timeoutMs: 8000, what: `the confirmation mail to ${email}` },
    );
    const base = `http://localhost:${server.port}`;
    const link = urlsIn(mail.text).find((url) => url.startsWith(`${base}/c/`));
    expect(link).toBeDefined();
    const confirmed = await server.fetch(link!.slice(base.length), { method: 'POST' });
    expect(confirmed.status).toBe(200);
    expect(await confirmed.text()).toContain('You are confirmed');
  });

  it('has a built operator command that verifies the ledger it wrote', async () => {
    const env = cleanEnv({ DATABASE_PATH: server.databasePath });
    await waitFor(
      async () => {
        const { stdout } = await run(process.execPath, [CLI, 'ledger', 'verify'], { cwd: elsewhere, env });
        return /Ledger verified: [1-9]\d* events, [1-9]\d* sealed, 0 not yet sealed/.test(stdout) && stdout;
      },
      { timeoutMs: 8000, what: 'the server to seal the events of the signup' },
    );
  });

  it('sends through Resend when RESEND_API_KEY is set (the SDK is a chunk loaded on first use)', async () => {
    const fake = await startFakeResend();
    const sender = await startServer({ entry: { args: [SERVER], cwd: elsewhere }, env: { RESEND_API_KEY: 're_test_123', RESEND_BASE_URL: fake.url } });
    try {
      const email = 'resend@example.com';
      expect((await submitSignup(sender, { email, categories: ['newsletter'] })).status).toBe(200);
      const [request] = await waitFor(() => fake.emails(email).length > 0 && fake.emails(email), { timeoutMs: 8000, what: `a POST /emails to ${email}` });
      expect(request!.status).toBe(200);
      expect(request!.body?.subject).toMatch(/confirm/i);
    } finally {
      await sender.stop();
      await fake.close();
    }
  });
});
