// The bench measures the server on what scripts/bench/seed.ts writes, so what it writes must be
// what the real code reads: a ledger that verifies, preference pages and one-clicks that work on
// the signed links, and each profile's consents answered by the eligibility route as seeded.
// Small (a few dozen contacts), so it runs with the suite and breaks when the schema moves on.
import BetterSqlite3 from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.tsx';
import { openSqlite, type SqliteHandle } from '../../src/db/sqlite.ts';
import type { Deps } from '../../src/deps.ts';
import { verifyLedger } from '../../src/domain/ledger-seal.ts';
import { reencryptAll, reencryptIfNeeded } from '../../src/domain/reencrypt.ts';
import { BENCH_ADMIN_KEY } from '../../scripts/bench/bench-config.ts';
import { benchConfig, benchDeps } from '../../scripts/bench/bench-deps.ts';
import { seededEmail } from '../../scripts/bench/seed-email.ts';
import { PROFILES, profileOf } from '../../scripts/bench/seed-templates.ts';
import { seed, type SeedResult } from '../../scripts/bench/seed.ts';

const CONTACTS = 40;
let dir: string;
let path: string;
let seeded: SeedResult;
let handle: SqliteHandle;
let deps: Deps;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'assent-bench-seed-'));
  path = join(dir, 'bench.db');
  seeded = await seed(path, CONTACTS, CONTACTS);
  handle = openSqlite(path);
  deps = benchDeps(handle, benchConfig(path));
  app = createApp(() => deps, { clientIp: () => '203.0.113.9' });
});

afterAll(() => {
  handle?.sqlite.close();
  rmSync(dir, { recursive: true, force: true });
});

async function eligibility(category: string, emails: string[]) {
  const res = await app.request(`${deps.config.baseUrl}/api/v1/sites/demo/eligibility`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${BENCH_ADMIN_KEY}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ category, emails }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { results: { email: string; eligible: boolean; reason?: string }[] }).results;
}

describe('the bench seeder', () => {
  it('leaves a sealed ledger that verifies, evidence included, and rows whose references hold', async () => {
    const report = await verifyLedger(deps);
    expect(report.problem).toBeNull();
    expect(report.events).toBeGreaterThan(seeded.rows.events);
    expect(report.sealed).toBe(report.events);
    const check = new BetterSqlite3(path, { readonly: true });
    expect(check.pragma('foreign_key_check')).toEqual([]);
    expect(check.pragma('journal_mode', { simple: true })).toBe('wal');
    check.close();
  });

  it('has nothing for a start to re-encrypt, and says so as the server would', async () => {
    expect(await reencryptIfNeeded(deps)).toBeNull();
    const full = await reencryptAll(deps);
    expect(Object.values(full.reencrypted).every((n) => n === 0)).toBe(true);
  });

  it("answers each profile's consents as seeded, category by category", async () => {
    const emails = Array.from({ length: CONTACTS }, (_, i) => seededEmail(i));
    const expected = (i: number, category: string) => {
      const profile = PROFILES[profileOf(i)]!;
      if (!profile.signup.includes(category)) return 'not_found';
      if (!profile.confirm) return 'pending';
      return profile.oneClick.includes(null) || profile.oneClick.includes(category) ? 'withdrawn' : 'eligible';
    };
    for (const category of ['newsletter', 'offers']) {
      const results = await eligibility(category, emails);
      expect(results.map((r) => (r.eligible ? 'eligible' : r.reason))).toEqual(emails.map((_, i) => expected(i, category)));
    }
    // Every profile is among the first contacts, so each answer above was checked.
    expect(new Set(emails.map((_, i) => profileOf(i))).size).toBe(PROFILES.length);
  });

  it('signs links the server opens: a preference page, and a one-click that withdraws', async () => {
    expect(seeded.manage).toHaveLength(CONTACTS);
    expect(new Set(seeded.oneClick).size).toBe(seeded.withdrawable);
    const page = await app.request(`${deps.config.baseUrl}${seeded.manage[0]}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Demo Shop');

    const before = handle.sqlite.prepare("SELECT count(*) AS n FROM consents WHERE status = 'withdrawn'").get() as { n: number };
    const res = await app.request(`${deps.config.baseUrl}${seeded.oneClick[0]}`, {
      method: 'POST',
      body: 'List-Unsubscribe=One-Click',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(200);
    const after = handle.sqlite.prepare("SELECT count(*) AS n FROM consents WHERE status = 'withdrawn'").get() as { n: number };
    expect(after.n).toBeGreaterThan(before.n);
  });
});
