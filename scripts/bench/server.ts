// The real server on a seeded database, in the bench configuration, on a port of its own.
import { createServer, type AddressInfo } from 'node:net';
import { benchEnv } from './bench-config.ts';
import { startChild, type Child } from './child.ts';
import { SERVER_COMMAND } from './server-command.ts';

export interface BenchServer extends Child {
  base: string;
  /** From spawn to "assent listening". */
  startSeconds: number;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** This environment without anything assent reads, so a developer's own settings stay out of the run. */
export function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  const ours = /^(RESEND_|RATE_LIMIT_|TURNSTILE_)|^(PORT|BASE_URL|DATABASE_PATH|TOKEN_SECRETS|LOOKUP_KEY|ENCRYPTION_KEYS|MAIL_FROM|ADMIN_API_KEY|CONFIRM_TTL|LINK_TTL|UNCONFIRMED_RETENTION|EVIDENCE_RETENTION|TRUSTED_PROXIES|WEBHOOK_ALLOW_LOOPBACK)$/;
  for (const [key, value] of Object.entries(process.env)) if (!ours.test(key)) env[key] = value;
  return env;
}

export async function startBenchServer(databasePath: string, resendUrl: string): Promise<BenchServer> {
  const port = await freePort();
  const started = performance.now();
  const child = await startChild(SERVER_COMMAND, {
    env: { ...cleanEnv(), ...benchEnv(), PORT: String(port), DATABASE_PATH: databasePath, RESEND_BASE_URL: resendUrl },
    ready: /assent listening/,
    timeoutMs: 180_000,
  });
  return { ...child, base: `http://127.0.0.1:${port}`, startSeconds: (performance.now() - started) / 1000 };
}
