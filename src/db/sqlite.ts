// The embedded database on Node: better-sqlite3 behind Kysely, and the atomic batch that D1
// would run with DB.batch(), here as one better-sqlite3 transaction.
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, type CompiledQuery } from 'kysely';
import { dirname } from 'node:path';
import type { Logger } from '../deps.ts';
import { createPrivateFile, makePrivateDir, tightenFile } from '../private-files.ts';
import type { Database } from './schema.ts';

export interface SqliteHandle {
  sqlite: BetterSqlite3.Database;
  db: Kysely<Database>;
  atomic(queries: readonly CompiledQuery[]): Promise<void>;
}

/** `log` hears about database files that had to be made private again. */
export function openSqlite(path: string, log: Pick<Logger, 'warn'> = { warn() {} }): SqliteHandle {
  if (path !== ':memory:') preparePrivateFiles(path, log);
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

/**
 * SQLite creates a new database 0644 (less the umask) but gives its -wal and -shm the database
 * file's own mode, so creating the file 0600 first keeps all three private.
 */
function preparePrivateFiles(path: string, log: Pick<Logger, 'warn'>): void {
  makePrivateDir(dirname(path));
  for (const file of [path, `${path}-wal`, `${path}-shm`]) tightenFile(file, 'personal data', log);
  createPrivateFile(path);
}
