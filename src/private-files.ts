// Node only: the files that hold secrets and personal data (secrets.json, the SQLite database and
// its -wal and -shm) are for the service's own user. The default umask (022) would leave new
// files readable by every account on the host, so they are created 0600 and their directory
// 0700, and a looser file found at start is tightened, with a warning, since somebody made it so.
import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import type { Logger } from './deps.ts';

/** Creates the directory and any missing parents as 0700; one that exists is left as it is. */
export function makePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/** Creates `path` empty and 0600 when it does not exist yet (never truncates). */
export function createPrivateFile(path: string): void {
  closeSync(openSync(path, 'a', 0o600));
}

/** Sets an existing file that its group or others may use to 0600, and says so. */
export function tightenFile(path: string, what: string, log: Pick<Logger, 'warn'>): void {
  let mode: number;
  try {
    mode = statSync(path).mode & 0o777;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if ((mode & 0o077) === 0) return;
  const was = `${path} had mode ${mode.toString(8).padStart(4, '0')}, open to other users of this host`;
  try {
    chmodSync(path, 0o600);
  } catch (error) {
    // Another user's file (an operator command run by someone else): say so, and carry on.
    log.warn(`${was}, and could not be set to 0600 (${(error as NodeJS.ErrnoException).code}): it holds ${what}, fix it.`);
    return;
  }
  log.warn(`${was}; set it to 0600 (it holds ${what}).`);
}
