// Workers entry: the same app on Cloudflare's network. D1 through our Kysely dialect, every
// atomic group through DB.batch(), static files from the assets binding (built by
// scripts/build-worker-assets.ts under the same hashed names as on Node), the client from
// CF-Connecting-IP. Queued mail, SMS, webhooks and sealing run after the requests that queue them
// (ctx.waitUntil) and every minute from the cron trigger; the retention jobs every hour.
import type { D1Database, ExecutionContext, Fetcher, ScheduledController } from '@cloudflare/workers-types';
import type { Context } from 'hono';
import { createApp } from './app.tsx';
import { isLocalBaseUrl, parseConfig, withoutDevOutboxes, type Config, type Env as ConfigEnv } from './config.ts';
import { openD1 } from './db/d1.ts';
import type { Deps, Logger } from './deps.ts';
import { purgeEndedHolds } from './domain/evidence-hold.ts';
import { createFieldCipher } from './domain/field-cipher.ts';
import { randomId } from './domain/ids.ts';
import { sealLedger } from './domain/ledger-seal.ts';
import { purgeUnconfirmedSignups } from './domain/retention.ts';
import { seedDemoSiteIfEmpty } from './domain/seed-demo.ts';
import { createTokens } from './domain/tokens.ts';
import type { AssetUrls } from './http/static-assets.ts';
import type { Mailer } from './mail/mailer.ts';
import { deliverDueMail } from './mail/outbox.ts';
import { resendMailer } from './mail/resend-mailer.ts';
import { deliverDueSms } from './sms/outbox.ts';
import { twilioSender } from './sms/twilio.ts';
import { deliverDueWebhooks } from './webhooks/deliveries.ts';
import { fetchWebhookTransport } from './webhooks/fetch-transport.ts';

export interface WorkerEnv {
  DB: D1Database;
  /** The built static files (dist/worker-assets): /static/*, the manifest of hashed names. */
  ASSETS: Fetcher;
  [variable: string]: unknown;
}

const log: Logger = {
  info: (message) => console.log(message),
  warn: (message) => console.warn(`warning: ${message}`),
  error: (message, error) => console.error(`error: ${message}`, error ?? ''),
};

/** What an isolate builds once: config, database, keys, the app. */
interface Runtime {
  config: Config;
  base: Omit<Deps, 'mailQueued'>;
  app: ReturnType<typeof createApp>;
}

let runtime: Promise<Runtime> | null = null;

export default {
  async fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext): Promise<Response> {
    const { app } = await runtimeFor(env);
    return app.fetch(request, env, ctx);
  },

  async scheduled(controller: ScheduledController, env: WorkerEnv, ctx: ExecutionContext): Promise<void> {
    const { base } = await runtimeFor(env);
    ctx.waitUntil(drainQueues(base));
    // The retention jobs once an hour, on the trigger that names the top of the hour.
    if (controller.cron === '0 * * * *') ctx.waitUntil(retention(base));
  },
};

function runtimeFor(env: WorkerEnv): Promise<Runtime> {
  runtime ??= build(env).catch((error) => {
    runtime = null;
    throw error;
  });
  return runtime;
}

async function build(env: WorkerEnv): Promise<Runtime> {
  const variables: ConfigEnv = Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  // The dev mailbox and dev SMS outbox are Node's: a Worker always mails through Resend (npm run
  // dev:worker starts a local stand-in for its API) and texts through Twilio, or not at all.
  const config: Config = withoutDevOutboxes(parseConfig(variables));
  const { db, atomic } = openD1(env.DB);
  const clock = { now: () => new Date() };
  const base: Omit<Deps, 'mailQueued'> = {
    db,
    atomic,
    mailer: config.resendApiKey ? resendMailer({ apiKey: config.resendApiKey, baseUrl: variables.RESEND_BASE_URL }) : noMailer,
    clock,
    tokens: createTokens(config.tokenSecrets, clock),
    cipher: createFieldCipher(config.encryptionKeys),
    config,
    log,
    newId: randomId,
    sms: config.twilio ? twilioSender({ accountSid: config.twilio.accountSid, authToken: config.twilio.authToken, baseUrl: config.twilio.baseUrl }) : null,
  };
  if (isLocalBaseUrl(config.baseUrl)) await seedDemoSiteIfEmpty({ ...base, mailQueued: () => {} });
  const [urls, embedScript] = await Promise.all([
    asset(env, '/asset-manifest.json').then((res) => res.json() as Promise<AssetUrls>),
    asset(env, '/static/embed.js').then((res) => res.text()),
  ]);
  const drainAfter = (c: Context) => () => c.executionCtx.waitUntil(drainQueues(base));
  const app = createApp((c: Context) => ({ ...base, mailQueued: drainAfter(c), smsQueued: drainAfter(c) }), {
    clientIp: (c) => c.req.header('CF-Connecting-IP') ?? null,
    embedScript,
    // The assets binding answers /static/* before the Worker runs; what reaches here is not a file.
    staticAssets: { urls, serve: async (_c, next) => next() },
  });
  return { config, base, app };
}

async function asset(env: WorkerEnv, path: string) {
  const res = await env.ASSETS.fetch(`https://assets.invalid${path}`);
  if (!res.ok) throw new Error(`the Worker's assets have no ${path}: build them with scripts/build-worker-assets.ts`);
  return res as unknown as Response;
}

/** Mail, SMS, webhooks and seals that requests queued; safe to run from many isolates at once. */
async function drainQueues(deps: Omit<Deps, 'mailQueued'>): Promise<void> {
  const transport = fetchWebhookTransport({ allowLoopback: deps.config.webhookAllowLoopback });
  const sms = deps.sms;
  await Promise.allSettled([
    deliverDueMail(deps).catch((error) => log.error('sending mail failed', error)),
    sms ? deliverDueSms({ ...deps, sms }).catch((error) => log.error('sending SMS failed', error)) : null,
    deliverDueWebhooks(deps, transport).catch((error) => log.error('delivering webhooks failed', error)),
  ]);
  await sealLedger(deps).catch((error) => log.error('sealing the ledger failed', error));
}

async function retention(deps: Omit<Deps, 'mailQueued'>): Promise<void> {
  const full = { ...deps, mailQueued: () => {} };
  const purged = await purgeUnconfirmedSignups(full);
  if (purged > 0) log.info(`Retention: removed the personal data of ${purged} unconfirmed sign-ups.`);
  const released = await purgeEndedHolds(full);
  if (released > 0) log.info(`Retention: removed the held evidence of ${released} erased contacts whose hold ended.`);
}

/** Without RESEND_API_KEY a Worker cannot mail: each message fails with the reason, retryably. */
const noMailer: Mailer = {
  async send() {
    return { ok: false, retryable: true, error: 'RESEND_API_KEY is not set: this Worker cannot send mail' };
  },
};
