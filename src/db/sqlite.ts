// The embedded database on Node: better-sqlite3 behind Kysely, and the atomic batch that D1
// would run with DB.batch(), here as one better-sqlite3 transaction.
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, type CompiledQuery } from 'kysely';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Database } from './schema.ts';

export interface SqliteHandle {
  sqlite: BetterSqlite3.Database;
  db: Kysely<Database>;
  atomic(queries: readonly CompiledQuery[]): Promise<void>;
}

export function openSqlite(path: string): SqliteHandle {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new BetterSqlite3(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  const runAll = sqlite.transaction((queries: readonly CompiledQuery[]) => {
    for (const query of queries) sqlite.prepare(query.sql).run(...(query.parameters as unknown[]));
  });
  return {
    sqlite,
    db,
    async atomic(queries) {
      // BEGIN IMMEDIATE: the write lock from the first statement, so every guard in the batch
      // reads what is committed now, even with other processes writing the same file.
      runAll.immediate(queries);
    },
  };
}
