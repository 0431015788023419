// `npm run cli -- proof verify FILE` on bundles saved from the real server: the operator's proof
// and the person's own "Download my data" file verify with no database, no keys and no
// configuration at all; a tampered copy exits 1 naming the first event that does not verify.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevMail } from '../../src/mail/dev-mailbox.ts';
import { PROJECT_ROOT, cleanEnv, removeTempDirs, startServer, submitSignup, urlsIn, waitFor, type ServerProcess } from '../helpers/server-process.ts';

const run = promisify(execFile);
const ADMIN_API_KEY = 'proof-verify-admin-key-0123';
const CLI = join(PROJECT_ROOT, 'src/cli.ts');

let server: ServerProcess;
let baseUrl: string;
let dir: string;
let bundleText: string;
let downloadText: string;

/**
 * The CLI with no assent configuration: no keys, and a DATABASE_PATH that does not exist (any
 * command that opened the database or made secrets would create it).
 */
const env = () => cleanEnv({ DATABASE_PATH: join(dir, 'no-db', 'consent.db') });
function verify(file: string) {
  return run(process.execPath, ['--import', 'tsx', CLI, 'proof', 'verify', file], { cwd: PROJECT_ROOT, env: env() }).then(
    (result) => ({ code: 0, ...result }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
}

function save(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

const api = async (path: string, init: RequestInit = {}) =>
  server.fetch(`/api/v1${path}`, { ...init, headers: { Authorization: `Bearer ${ADMIN_API_KEY}`, 'Content-Type': 'application/json', ...init.headers } });

beforeAll(async () => {
  server = await startServer({ env: { ADMIN_API_KEY } });
  baseUrl = `http://localhost:${server.port}`;
  dir = mkdtempSync(join(tmpdir(), 'assent-proof-'));
  expect((await submitSignup(server, { email: 'alice@example.com', categories: ['newsletter', 'offers'] })).status).toBe(200);
  expect((await submitSignup(server, { email: 'bob@example.com', categories: ['newsletter'] })).status).toBe(200);
  const mail = await waitFor(async () => {
    const mails = (await (await server.fetch('/dev/mailbox.json')).json()) as DevMail[];
    return mails.find((m) => m.to.includes('alice@example.com') && m.subject.startsWith('Confirm'));
  }, { timeoutMs: 10_000, what: 'the confirmation mail' });
  const link = urlsIn(mail.text).find((url) => url.startsWith(baseUrl))!;
  expect((await server.fetch(link.slice(baseUrl.length), { method: 'POST' })).status).toBe(200);
  const links = await (await api('/sites/demo/contacts/links', { method: 'POST', body: JSON.stringify({ email: 'alice@example.com' }) })).json();
  const { contact } = await (await api('/sites/demo/contacts/lookup', { method: 'POST', body: JSON.stringify({ email: 'alice@example.com' }) })).json();
  // The server seals every 2 s.
  bundleText = await waitFor(async () => {
    const text = await (await api(`/sites/demo/contacts/${contact.id}/proof`)).text();
    const bundle = JSON.parse(text) as { events: { seal: string | null }[] };
    return bundle.events.length === 4 && bundle.events.every((e) => e.seal !== null) && text;
  }, { timeoutMs: 10_000, what: 'a sealed bundle' });
  downloadText = await (await server.fetch(`${links.manageUrl.slice(baseUrl.length)}/data`)).text();
}, 60_000);

afterAll(async () => {
  await server?.stop();
  removeTempDirs();
});

describe('npm run cli -- proof verify FILE', () => {
  it('verifies the operator’s saved proof without a database or keys, and prints the head', async () => {
    const result = await verify(save('proof.json', bundleText));
    expect(result.code, result.stderr).toBe(0);
    const { ledger } = JSON.parse(bundleText);
    expect(result.stdout).toContain('Proof verified: 4 events of contact');
    expect(result.stdout).toContain('on site demo');
    expect(result.stdout).toContain('and 1 wording and 1 form hash to their names');
    expect(result.stdout).toContain(`Ledger head at export: event ${ledger.head.eventId} ${ledger.head.hash}`);
    // It opened no database and made no secrets.
    expect(existsSync(join(dir, 'no-db'))).toBe(false);
  });

  it('verifies the person’s own download the same way', async () => {
    const result = await verify(save('assent-data.json', downloadText));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Proof verified: 4 events');
  });

  it('exits 1 naming the first bad event for an edited field, an edited canonical form and a removed event', async () => {
    const bundle = JSON.parse(bundleText);
    const [first, second] = bundle.events as { id: number; occurredAt: string; canonical: string }[];

    const field = structuredClone(bundle);
    field.events[1].occurredAt = '2020-01-01T00:00:00.000Z';
    const edited = await verify(save('field.json', JSON.stringify(field)));
    expect(edited.code).toBe(1);
    expect(edited.stdout).toContain(`PROOF BROKEN: event ${second!.id}: the bundle says occurredAt is "2020-01-01T00:00:00.000Z"`);
    expect(edited.stdout).toContain(`First bad event: ${second!.id}.`);

    const canonical = structuredClone(bundle);
    canonical.events[0].canonical = first!.canonical.replace('"newsletter"', '"offers"');
    canonical.events[0].category = 'offers';
    const forged = await verify(save('canonical.json', JSON.stringify(canonical)));
    expect(forged.code).toBe(1);
    expect(forged.stdout).toContain(`PROOF BROKEN: event ${first!.id}: its canonical form, with the seal before it, does not hash to its seal`);

    const removed = structuredClone(bundle);
    removed.events.splice(1, 1);
    const cut = await verify(save('removed.json', JSON.stringify(removed)));
    expect(cut.code).toBe(1);
    expect(cut.stdout).toContain(`PROOF BROKEN: event ${bundle.events[2].id}: it was the contact's event number 3, but the bundle has only 1 of the contact's events before it: one was removed.`);
  });

  it('exits 1 for a file that is not JSON, and 2 without a file', async () => {
    const broken = await verify(save('broken.json', bundleText.slice(0, 100)));
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('PROOF NOT VERIFIED: cannot read');
    const missing = await verify(join(dir, 'nope.json'));
    expect(missing.code).toBe(1);
    const usage = await run(process.execPath, ['--import', 'tsx', CLI, 'proof', 'verify'], { cwd: PROJECT_ROOT, env: env() }).catch((error: { code: number; stderr: string }) => error);
    expect((usage as { code: number }).code).toBe(2);
  });
});
