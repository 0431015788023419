// npm run dev:worker [-- wrangler dev arguments]: the Worker on workerd with a local D1, as
// `npm start` runs the Node server. It builds the static files, applies pending migrations,
// takes the same variables from the environment (generating the three secrets once, next to
// the local database, when they are not set), starts a local stand-in for Resend's API when
// RESEND_API_KEY is not set, and runs `wrangler dev` with any extra arguments
// (`npm run dev:worker -- --port 8788`). The Worker seeds the demo site on a local BASE_URL.
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadOrCreateSecrets } from '../src/secrets-file.ts';
import { startResendStandIn } from './resend-stand-in.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name: string) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : args.find((arg) => arg.startsWith(`${name}=`))?.slice(name.length + 1);
};
const port = option('--port') ?? '8787';
const persistTo = resolve(root, option('--persist-to') ?? '.wrangler/state');
// No telemetry, no lookups of Cloudflare's hosts: this machine may have no network.
const quiet = { ...process.env, WRANGLER_SEND_METRICS: 'false', WRANGLER_SEND_ERROR_REPORTS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' };
const wrangler = (wranglerArgs: string[], stdio: 'inherit' | 'pipe' = 'inherit') =>
  spawn(process.execPath, [join(root, 'node_modules/wrangler/bin/wrangler.js'), ...wranglerArgs], { cwd: root, env: quiet, stdio, detached: true });
const finished = (child: ReturnType<typeof spawn>) => new Promise<number>((done) => child.once('exit', (code) => done(code ?? 1)));

const log = { info: (m: string) => console.log(m), warn: (m: string) => console.warn(`warning: ${m}`), error: (m: string) => console.error(m) };

// The variables npm start reads, passed through to the Worker.
const PASSED = [
  'ADMIN_API_KEY', 'MAIL_FROM', 'RESEND_API_KEY', 'RESEND_BASE_URL', 'CONFIRM_TTL', 'LINK_TTL', 'UNCONFIRMED_RETENTION', 'EVIDENCE_RETENTION',
  'RATE_LIMIT_SIGNUP', 'RATE_LIMIT_LINKS', 'RATE_LIMIT_API', 'RATE_LIMIT_API_AUTH', 'TURNSTILE_SITE_KEY', 'TURNSTILE_SECRET_KEY',
  'TURNSTILE_VERIFY_URL', 'WEBHOOK_ALLOW_LOOPBACK', 'TRUSTED_PROXIES', 'RATE_LIMIT_LOGIN', 'RATE_LIMIT_LOGIN_ACCOUNT',
  'TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM', 'TWILIO_BASE_URL', 'SMS_INBOUND_SECRET',
];

async function main() {
  const vars: Record<string, string> = { BASE_URL: process.env.BASE_URL?.trim() || `http://localhost:${port}` };
  for (const name of PASSED) if (process.env[name]?.trim()) vars[name] = process.env[name]!.trim();
  const secrets = loadOrCreateSecrets(process.env, join(persistTo, 'consent.db'), log);
  for (const name of ['TOKEN_SECRETS', 'LOOKUP_KEY', 'ENCRYPTION_KEYS'] as const) vars[name] = process.env[name]?.trim() || secrets![name];
  let standIn: Awaited<ReturnType<typeof startResendStandIn>> | null = null;
  if (!vars.RESEND_API_KEY) {
    // A stable address to bookmark (RESEND_STAND_IN_PORT, default 8790), or any free port.
    const wanted = Number(process.env.RESEND_STAND_IN_PORT ?? 8790);
    standIn = await startResendStandIn(wanted).catch(() => startResendStandIn(0));
    vars.RESEND_API_KEY = 're_local_stand_in';
    vars.RESEND_BASE_URL = standIn.url;
  }

  const build = spawn(process.execPath, ['--import', 'tsx', join(root, 'scripts/build-worker-assets.ts')], { cwd: root, stdio: 'inherit' });
  if ((await finished(build)) !== 0) throw new Error('building the static files failed');
  const migrate = wrangler(['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persistTo]);
  if ((await finished(migrate)) !== 0) throw new Error('applying the migrations to the local D1 failed');

  // The variables go to wrangler in a file only this user reads (they hold the secrets).
  const envFile = join(persistTo, 'dev-worker.vars');
  mkdirSync(dirname(envFile), { recursive: true });
  writeFileSync(envFile, Object.entries(vars).map(([name, value]) => `${name}=${JSON.stringify(value)}`).join('\n') + '\n', { mode: 0o600 });
  chmodSync(envFile, 0o600);
  if (standIn) console.log(`No RESEND_API_KEY: mail goes to a local stand-in for Resend's API. Read it at ${standIn.url}/`);
  console.log(`Signup page: ${vars.BASE_URL}/s/demo`);

  const extra = args.filter((arg, i) => arg !== '--persist-to' && args[i - 1] !== '--persist-to' && !arg.startsWith('--persist-to='));
  const hasInspector = extra.some((arg) => arg.startsWith('--inspector-port'));
  const dev = wrangler(['dev', '--local', '--persist-to', persistTo, '--env-file', envFile, ...(hasInspector ? [] : ['--inspector-port', '0']), ...(option('--port') ? [] : ['--port', port]), ...extra]);
  // wrangler and workerd run in their own process group: stopping this script stops them all.
  const stop = () => {
    try {
      process.kill(-dev.pid!, 'SIGTERM');
    } catch {
      // already gone
    }
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const code = await finished(dev);
  standIn?.server.close();
  process.exit(code);
}

main().catch((error) => {
  console.error(`dev:worker failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
