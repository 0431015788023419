// Node entry: the embedded SQLite database, migrations, the HTTP server, static files and the
// outbox sender. Runs with no configuration at all.
import { serve } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApp } from './app.tsx';
import { baseUrlWarning, ConfigError, isLocalBaseUrl, mailFromWarning, parseConfig } from './config.ts';
import { migrate } from './db/migrate.ts';
import { openSqlite } from './db/sqlite.ts';
import type { Deps, Logger } from './deps.ts';
import { randomId } from './domain/ids.ts';
import { sealLedger } from './domain/ledger-seal.ts';
import { reencryptIfNeeded } from './domain/reencrypt.ts';
import { purgeEndedHolds } from './domain/evidence-hold.ts';
import { purgeUnconfirmedSignups } from './domain/retention.ts';
import { seedDemoSiteIfEmpty } from './domain/seed-demo.ts';
import { createFieldCipher } from './domain/field-cipher.ts';
import { createTokens } from './domain/tokens.ts';
import { compressResponses } from './http/compression.ts';
import { loadStaticAssets } from './http/load-static-assets.ts';
import { assetUrls, serveStaticAssets } from './http/static-assets.ts';
import { devMailbox } from './mail/dev-mailbox.ts';
import { startOutboxLoop, startSmsLoop, startWebhookLoop } from './mail/outbox-loop.ts';
import { devSmsOutbox } from './sms/dev-outbox.ts';
import { twilioSender } from './sms/twilio.ts';
import { forwardedClient } from './net/forwarded-client.ts';
import { PROJECT_ROOT } from './project-root.ts';
import { loadOrCreateSecrets } from './secrets-file.ts';
import { nodeWebhookTransport } from './webhooks/node-transport.ts';

const log: Logger = {
  info: (message) => console.log(message),
  warn: (message) => console.warn(`warning: ${message}`),
  error: (message, error) => console.error(`error: ${message}`, error ?? ''),
};

async function main() {
  const env = process.env;
  const databasePath = env.DATABASE_PATH?.trim() || './data/consent.db';
  const config = parseConfig(env, loadOrCreateSecrets(env, databasePath, log));
  const insecure = baseUrlWarning(config.baseUrl);
  if (insecure) log.warn(insecure);
  const undeliverable = mailFromWarning(config);
  if (undeliverable) log.warn(undeliverable);

  const { sqlite, db, atomic } = openSqlite(config.databasePath, log);
  const applied = migrate(sqlite);
  if (applied.length > 0) log.info(`Applied migrations: ${applied.join(', ')}`);

  const clock = { now: () => new Date() };
  const cipher = createFieldCipher(config.encryptionKeys);
  // The Resend SDK is loaded only by a process that sends through it: a local trial never pays
  // for it in memory.
  const mailer = config.resendApiKey
    ? (await import('./mail/resend-mailer.ts')).resendMailer({ apiKey: config.resendApiKey })
    : devMailbox(db, clock, cipher);
  // Twilio when configured; on a local trial without it, the dev outbox; otherwise SMS is off.
  const sms = config.twilio
    ? twilioSender({ accountSid: config.twilio.accountSid, authToken: config.twilio.authToken, baseUrl: config.twilio.baseUrl })
    : config.devSms
      ? devSmsOutbox(db, clock, cipher)
      : null;
  let wakeOutbox = () => {};
  let wakeSms = () => {};
  const deps: Deps = {
    db,
    atomic,
    mailer,
    clock,
    tokens: createTokens(config.tokenSecrets, clock),
    cipher,
    config,
    log,
    newId: randomId,
    mailQueued: () => wakeOutbox(),
    sms,
    smsQueued: () => wakeSms(),
  };
  // A public deployment starts with the operator's own sites, not a demo anyone could sign up to.
  const local = isLocalBaseUrl(config.baseUrl);
  if (local) await seedDemoSiteIfEmpty(deps);

  const outbox = startOutboxLoop(deps);
  wakeOutbox = outbox.wake;
  const smsLoop = sms ? startSmsLoop({ ...deps, sms }) : null;
  if (smsLoop) wakeSms = smsLoop.wake;
  const webhooks = startWebhookLoop(deps, nodeWebhookTransport({ allowLoopback: config.webhookAllowLoopback }));
  const jobs = startLedgerJobs(deps);

  // Read once: a file changed under static/ is served (under its new name) after a restart.
  const assets = loadStaticAssets(join(PROJECT_ROOT, 'static'));
  const app = createApp(() => deps, {
    // Behind TRUSTED_PROXIES, the client is who they vouch for in X-Forwarded-For.
    clientIp: (c) => forwardedClient(normaliseIp(getConnInfo(c).remote.address), c.req.header('x-forwarded-for'), config.trustedProxies),
    embedScript: readFileSync(join(PROJECT_ROOT, 'static', 'embed.js'), 'utf8'),
    staticAssets: { urls: assetUrls(assets), serve: serveStaticAssets(assets, { '/favicon.ico': '/static/favicon.svg' }) },
    compression: compressResponses(),
  });
  const server = serve({ fetch: app.fetch, port: config.port }, () => {
    log.info(`assent listening on ${config.baseUrl} (port ${config.port})`);
    if (local) log.info(`Signup page: ${config.baseUrl}/s/demo`);
    if (config.devMailbox) log.info(`No RESEND_API_KEY: mail goes to the dev mailbox at ${config.baseUrl}/dev/mailbox`);
    if (config.devSms) log.info(`No TWILIO_ACCOUNT_SID: SMS go to the dev outbox at ${config.baseUrl}${config.devMailbox ? '/dev/mailbox' : '/dev/sms.json'}`);
    else if (!config.smsEnabled) log.info('No TWILIO_ACCOUNT_SID: SMS is off, and sign-ups by SMS are refused.');
  });
  // A taken port is an operator's everyday mistake (a second `npm start`): say which setting to
  // change in one line instead of crashing with a stack trace.
  server.once('error', (error: NodeJS.ErrnoException) => {
    const reason = listenFailure(error, config.port);
    if (!reason) throw error;
    console.error(reason);
    process.exit(1);
  });

  const shutdown = async () => {
    server.close();
    // A send in flight gets a few seconds to finish; if cut off, its lease expires and the
    // next start retries it with the same idempotency key.
    await Promise.race([Promise.all([outbox.stop(), smsLoop?.stop(), webhooks.stop(), jobs.stop()]), new Promise((resolve) => setTimeout(resolve, 5000))]);
    sqlite.close();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

/**
 * Seals new ledger events every few seconds, purges stale unconfirmed sign-ups and ended
 * evidence holds every hour, and at a start with a new first encryption key (or a database from
 * an older version) re-encrypts what is not under it yet (as `keys rotate` does).
 */
function startLedgerJobs(deps: Deps) {
  let running: Promise<unknown> = reencryptIfNeeded(deps).then((report) => {
    if (!report) return;
    const total = Object.values(report.reencrypted).reduce((a, b) => a + b, 0);
    if (total > 0) deps.log.info(`Encrypted ${total} stored values under key "${deps.config.encryptionKeys[0]!.kid}".`);
  });
  const queue = (what: string, job: () => Promise<unknown>) => {
    running = running.then(job).catch((error) => deps.log.error(`${what} failed`, error));
  };
  const seal = () => queue('sealing the ledger', () => sealLedger(deps));
  const purge = () =>
    queue('the retention job', async () => {
      const purged = await purgeUnconfirmedSignups(deps);
      if (purged > 0) deps.log.info(`Retention: removed the personal data of ${purged} unconfirmed sign-ups.`);
      const released = await purgeEndedHolds(deps);
      if (released > 0) deps.log.info(`Retention: removed the held evidence of ${released} erased contacts whose hold ended.`);
    });
  const timers = [setInterval(seal, 2000), setInterval(purge, 3600_000)];
  seal();
  purge();
  return {
    async stop() {
      for (const timer of timers) clearInterval(timer);
      await running;
    },
  };
}

/** What to tell the operator when the port cannot be listened on; null for anything else. */
function listenFailure(error: NodeJS.ErrnoException, port: number): string | null {
  if (error.code === 'EADDRINUSE') return `PORT ${port} is already in use: stop the other server or set PORT.`;
  if (error.code === 'EACCES') return `PORT ${port} needs privileges this process does not have: use a port above 1023 (behind a proxy) or set PORT.`;
  return null;
}

/** IPv4 peers arrive as ::ffff:127.0.0.1 on a dual-stack socket. */
function normaliseIp(address: string | undefined): string | null {
  if (!address) return null;
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

main().catch((error) => {
  if (error instanceof ConfigError) {
    console.error(`Configuration error: ${error.message}`);
  } else {
    console.error('assent failed to start:', error);
  }
  process.exit(1);
});
