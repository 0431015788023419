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
  const prepare = statementCache(sqlite);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: { prepare, close: () => sqlite.close() } }) });
  const runAll = sqlite.transaction((queries: readonly CompiledQuery[]) => {
    for (const query of queries) prepare(query.sql).run(...(query.parameters as unknown[]));
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

/** Enough for every query text the app makes (a few hundred), bounded for lists of every length. */
const MAX_STATEMENTS = 2000;

/**
 * Each SQL text prepared once: Kysely asks the driver to prepare every query anew, and that was
 * a tenth of a signup page's time. A statement still iterating (a streamed query) is busy, so
 * whoever asks for its text meanwhile gets a fresh one.
 */
export function statementCache(sqlite: BetterSqlite3.Database): (sql: string) => BetterSqlite3.Statement {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return (sql) => {
    const cached = statements.get(sql);
    if (cached && !cached.busy) return cached;
    const statement = sqlite.prepare(sql);
    if (!cached) {
      if (statements.size >= MAX_STATEMENTS) statements.clear();
      statements.set(sql, statement);
    }
    return statement;
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
