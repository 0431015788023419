// One migrations folder, two runners: `wrangler d1 migrations apply` on a local D1 and
// src/db/migrate.ts on Node must leave the same schema (every table, column, index and trigger,
// as sqlite_master writes them) and record the same migrations in d1_migrations.
import BetterSqlite3 from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate.ts';
import { makeTempDir, PROJECT_ROOT, removeTempDirs } from '../helpers/server-process.ts';

const run = promisify(execFile);
afterAll(() => removeTempDirs());

/** wrangler strips SQL comments before it applies a file: compare what the statements say. */
const statement = (text: string | null) => text?.replace(/--[^\n]*/g, '').replace(/\s+/g, ' ').replace(/\( /g, '(').replace(/ \)/g, ')').trim() ?? null;

function schemaOf(db: BetterSqlite3.Database) {
  // D1's own bookkeeping (_cf_*) and SQLite's are not ours.
  const rows = db
    .prepare("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE '\\_cf\\_%' ESCAPE '\\' AND name != 'sqlite_sequence' ORDER BY type, name")
    .all() as { type: string; name: string; tbl_name: string; sql: string | null }[];
  return rows.map((row) => ({ ...row, sql: statement(row.sql) }));
}

describe('the schema on D1 and on Node', () => {
  it('is the same after every migration', async () => {
    const dir = makeTempDir('assent-d1-schema-');
    await run(process.execPath, [join(PROJECT_ROOT, 'node_modules/wrangler/bin/wrangler.js'), 'd1', 'migrations', 'apply', 'DB', '--local', '--persist-to', dir], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, CI: '1', WRANGLER_SEND_METRICS: 'false', WRANGLER_SEND_ERROR_REPORTS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' },
    });
    const d1Dir = join(dir, 'v3', 'd1', 'miniflare-D1DatabaseObject');
    const file = readdirSync(d1Dir).find((name) => name.endsWith('.sqlite') && name !== 'metadata.sqlite')!;
    const d1 = new BetterSqlite3(join(d1Dir, file), { readonly: true });
    const node = new BetterSqlite3(':memory:');
    migrate(node);
    try {
      const d1Schema = schemaOf(d1);
      expect(d1Schema.length).toBeGreaterThan(50);
      expect(d1Schema).toEqual(schemaOf(node));
      const names = (db: BetterSqlite3.Database) => db.prepare('SELECT name FROM d1_migrations ORDER BY id').all();
      expect(names(d1)).toEqual(names(node));
      expect(names(node)).toHaveLength(readdirSync(join(PROJECT_ROOT, 'migrations')).filter((name) => name.endsWith('.sql')).length);
    } finally {
      d1.close();
      node.close();
    }
  }, 60_000);
});
