// The bench configuration: the one place that says how the server under test differs from a
// production start. It runs as a public deployment would (an https BASE_URL, so no dev mailbox
// and no demo seeding; mail through the real Resend SDK to a local stand-in), with fixed secrets
// so the seeder can encrypt addresses and sign links the server reads, and with the per-IP and
// per-key rate limits lifted: every request comes from 127.0.0.1, and the default limits (20
// signups per 10 minutes per address) would turn the run into a measurement of the 429 page.
// The limits are still counted on every request, as in production; they just never refuse.
export const BENCH_BASE_URL = 'https://bench.assent.example';
export const BENCH_ADMIN_KEY = 'bench-admin-key-0123456789abcdef';
/** The highest limit the configuration accepts, per second: never reached here. */
export const LIFTED_LIMIT = '1000000/1s';

export const BENCH_SECRETS = {
  TOKEN_SECRETS: `k1:${'bench-token-secret-'.repeat(3)}`,
  LOOKUP_KEY: 'bench-lookup-key-'.repeat(3),
  ENCRYPTION_KEYS: `e1:${Buffer.alloc(32, 7).toString('base64')}`,
} as const;

export const LIFTED_LIMITS = {
  RATE_LIMIT_SIGNUP: LIFTED_LIMIT,
  RATE_LIMIT_LINKS: LIFTED_LIMIT,
  RATE_LIMIT_API: LIFTED_LIMIT,
} as const;

/** The server's environment, on top of PORT, DATABASE_PATH and RESEND_BASE_URL. */
export function benchEnv(): Record<string, string> {
  return {
    BASE_URL: BENCH_BASE_URL,
    ADMIN_API_KEY: BENCH_ADMIN_KEY,
    RESEND_API_KEY: 're_bench_stand_in',
    MAIL_FROM: 'Bench Shop <news@bench.assent.example>',
    ...BENCH_SECRETS,
    ...LIFTED_LIMITS,
  };
}

/** What the output says about the configuration, so nobody mistakes the figures for defaults. */
export function describeBenchConfig(): string {
  return (
    `bench configuration: BASE_URL=${BENCH_BASE_URL} (production mode: mail through the Resend SDK to a local stand-in), ` +
    `RATE_LIMIT_SIGNUP, RATE_LIMIT_LINKS and RATE_LIMIT_API lifted to ${LIFTED_LIMIT} (counted, never refusing); ` +
    `every other setting is the default`
  );
}
