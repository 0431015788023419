// The send pipeline's question through the real route: may we mail these 10,000 addresses?
// Half of them are seeded contacts spread over the whole table (in every state), half unknown.
// One warm-up, then the median of a few calls, one at a time, timed to the last byte.
import { BENCH_ADMIN_KEY } from './bench-config.ts';
import { seededEmail } from './seed-email.ts';

export const ELIGIBILITY_ADDRESSES = 10_000;

export interface EligibilityTiming {
  addresses: number;
  medianMs: number;
  runsMs: number[];
}

export async function timeEligibility(base: string, contacts: number, runs = 5): Promise<EligibilityTiming> {
  const stride = Math.max(1, Math.floor(contacts / (ELIGIBILITY_ADDRESSES / 2)));
  const emails = Array.from({ length: ELIGIBILITY_ADDRESSES }, (_, i) =>
    i % 2 === 0 ? seededEmail(((i / 2) * stride) % contacts) : `unknown-${i}@example.com`,
  );
  const body = JSON.stringify({ category: 'newsletter', emails });
  const call = async () => {
    const started = performance.now();
    const res = await fetch(`${base}/api/v1/sites/demo/eligibility`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${BENCH_ADMIN_KEY}`, 'Content-Type': 'application/json' },
      body,
    });
    const text = await res.text();
    const ms = performance.now() - started;
    const answered = res.status === 200 ? ((JSON.parse(text) as { results?: unknown[] }).results?.length ?? 0) : 0;
    if (answered !== ELIGIBILITY_ADDRESSES) throw new Error(`eligibility answered ${res.status} with ${answered} results: ${text.slice(0, 300)}`);
    return ms;
  };
  await call();
  const runsMs: number[] = [];
  for (let i = 0; i < runs; i++) runsMs.push(await call());
  const sorted = [...runsMs].sort((a, b) => a - b);
  return { addresses: ELIGIBILITY_ADDRESSES, medianMs: sorted[Math.floor(sorted.length / 2)]!, runsMs };
}
