// What SQLite plans for the statements the app prepares: for tests that hold a job to an index
// (a scan of every contact is fine at a hundred and holds the server at a million).
import type BetterSqlite3 from 'better-sqlite3';

/** Records EXPLAIN QUERY PLAN of every statement prepared from now on whose SQL matches. */
export function recordPlans(sqlite: BetterSqlite3.Database, matching: (sql: string) => boolean): string[] {
  const plans: string[] = [];
  const prepare = sqlite.prepare.bind(sqlite);
  sqlite.prepare = ((source: string) => {
    if (matching(source)) {
      const parameters = Array(source.split('?').length - 1).fill('x');
      plans.push(...(prepare(`EXPLAIN QUERY PLAN ${source}`).all(...parameters) as { detail: string }[]).map((row) => row.detail));
    }
    return prepare(source);
  }) as typeof sqlite.prepare;
  return plans;
}
