// Applies migrations/*.sql on Node the way `wrangler d1 migrations apply` does on D1: in name
// order, one transaction per file, each recorded by name in d1_migrations (wrangler's own table).
import type BetterSqlite3 from 'better-sqlite3';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../project-root.ts';

export const MIGRATIONS_DIR = join(PROJECT_ROOT, 'migrations');

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS d1_migrations(
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT UNIQUE,
    applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL
)`;

/** Returns the names of the files it applied. */
export function migrate(sqlite: BetterSqlite3.Database, dir = MIGRATIONS_DIR): string[] {
  sqlite.exec(CREATE_TABLE);
  const applied = new Set(
    sqlite.prepare('SELECT name FROM d1_migrations').all().map((row) => (row as { name: string }).name),
  );
  const pending = readdirSync(dir)
    .filter((name) => /^\d{4}_.+\.sql$/.test(name) && !applied.has(name))
    .sort();
  const record = sqlite.prepare('INSERT INTO d1_migrations (name) VALUES (?)');
  for (const name of pending) {
    const sql = readFileSync(join(dir, name), 'utf8');
    sqlite.transaction(() => {
      sqlite.exec(sql);
      record.run(name);
    })();
  }
  return pending;
}
