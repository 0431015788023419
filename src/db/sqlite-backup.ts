// Online backup of the embedded database. Copying consent.db while the server runs can catch it
// mid-write and leaves out whatever still sits in the -wal file; SQLite's backup API copies one
// consistent snapshot, WAL included, while the server keeps reading and writing.
import BetterSqlite3 from 'better-sqlite3';
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { createPrivateFile } from '../private-files.ts';

export interface BackupReport {
  file: string;
  bytes: number;
  pages: number;
  pageSize: number;
  contacts: number;
  events: number;
}

/** A backup we will not make (the message says why and what to do); nothing was written. */
export class BackupRefused extends Error {}

/** Files SQLite would read together with `file`: a stale one would be replayed into the copy. */
const companions = (file: string) => [file, `${file}-wal`, `${file}-shm`, `${file}-journal`];

/**
 * Copies the database at `databasePath` into `file` (0600), checks the copy and counts what it
 * holds. An existing `file` is replaced only with `force`; a failed backup leaves it untouched.
 */
export async function backupDatabase(databasePath: string, file: string, options: { force?: boolean } = {}): Promise<BackupReport> {
  const source = resolve(databasePath);
  const target = resolve(file);
  if (!existsSync(source)) throw new BackupRefused(`No database at ${source} (DATABASE_PATH): nothing to back up.`);
  if (!existsSync(dirname(target))) throw new BackupRefused(`The directory ${dirname(target)} does not exist.`);
  if (target === source || (existsSync(target) && sameFile(source, target))) {
    throw new BackupRefused(`${target} is the database itself: back it up to another file.`);
  }
  const existing = companions(target).filter((path) => existsSync(path));
  if (existing.length > 0 && !options.force) {
    throw new BackupRefused(`${existing.join(', ')} already exists: choose another file, or pass --force to replace it.`);
  }

  // Written next to the target and renamed over it only once it is whole and checked.
  const partial = resolve(dirname(target), `.${basename(target)}.partial-${process.pid}`);
  createPrivateFile(partial);
  try {
    const db = new BetterSqlite3(source, { fileMustExist: true });
    try {
      db.pragma('busy_timeout = 5000');
      // Everything in one step: a step-by-step copy restarts whenever the server writes between
      // steps, and under steady traffic might never finish. One step reads one WAL snapshot,
      // which never blocks the server's writers.
      await db.backup(partial, { progress: () => 0x7fffffff });
    } finally {
      db.close();
    }
    const counts = inspect(partial);
    for (const path of companions(target).slice(1)) rmSync(path, { force: true });
    renameSync(partial, target);
    return { file: target, bytes: statSync(target).size, ...counts };
  } catch (error) {
    for (const path of companions(partial)) rmSync(path, { force: true });
    throw error;
  }
}

function sameFile(a: string, b: string): boolean {
  const [x, y] = [statSync(a), statSync(b)];
  return x.dev === y.dev && x.ino === y.ino;
}

/** Opens the copy on its own, checks its structure, and counts what an operator would look for. */
function inspect(path: string): Omit<BackupReport, 'file' | 'bytes'> {
  const copy = new BetterSqlite3(path, { fileMustExist: true });
  try {
    const check = copy.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new Error(`The copy failed SQLite's quick_check (${String(check)}), so it was not kept.`);
    const count = (table: string) => (copy.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    return {
      pages: copy.pragma('page_count', { simple: true }) as number,
      pageSize: copy.pragma('page_size', { simple: true }) as number,
      contacts: count('contacts'),
      events: count('consent_events'),
    };
  } finally {
    // The last connection to close folds the copy's WAL back in and removes -wal and -shm.
    copy.close();
  }
}
