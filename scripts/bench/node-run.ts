// One Node run: seed a database (in a child process, so the bench holds none of it), start the
// real server on it with a Resend stand-in, wait until it is idle, note its idle RSS, drive the
// paths, stop it and remove the database.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runChild } from './child.ts';
import type { Load } from './drive.ts';
import { rssBytes, waitUntilIdle } from './process-stats.ts';
import { startResendSink } from './resend-sink.ts';
import { runPaths, type HttpPath, type PathsRun } from './run-paths.ts';
import type { SeedResult } from './seed.ts';
import { startBenchServer } from './server.ts';

export type SeedSummary = Omit<SeedResult, 'manage' | 'oneClick'> & { seedSeconds: number; linkPool: { manage: number; oneClick: number } };

export interface NodeRun {
  seed: SeedSummary;
  startSeconds: number;
  /** From "listening" to idle: the start-up work (re-encryption check, sealing, retention). */
  idleAfterSeconds: number;
  idleRssBytes: number;
  run: PathsRun;
  /** Mails the Resend stand-in received (the signups' confirmations), once the server was idle again. */
  mailsDelivered: number;
}

/** Seeds `contacts` into `dir/name.db` and signs `pool` links of each kind. */
export async function seedDatabase(dir: string, name: string, contacts: number, pool: number): Promise<{ path: string; seed: SeedResult; seconds: number }> {
  const path = join(dir, `${name}.db`);
  const out = join(dir, `${name}.seed.json`);
  const started = performance.now();
  await runChild([process.execPath, '--import', 'tsx', 'scripts/bench/seed.ts', '--db', path, '--contacts', String(contacts), '--pool', String(pool), '--out', out]);
  const seed = JSON.parse(readFileSync(out, 'utf8')) as SeedResult;
  rmSync(out);
  return { path, seed, seconds: (performance.now() - started) / 1000 };
}

export function summarise(seed: SeedResult, seconds: number): SeedSummary {
  const { manage, oneClick, ...rest } = seed;
  return { ...rest, seedSeconds: seconds, linkPool: { manage: manage.length, oneClick: oneClick.length } };
}

export async function runNode(options: {
  database: { path: string; seed: SeedResult; seconds: number };
  load: Load;
  which: readonly (HttpPath | 'eligibility')[];
  oneClickLimit?: number;
  keep: boolean;
  log: (line: string) => void;
}): Promise<NodeRun> {
  const { database, log } = options;
  const sink = await startResendSink();
  const server = await startBenchServer(database.path, sink.url);
  try {
    const pids = () => [server.pid];
    const idleAfterSeconds = await waitUntilIdle(pids);
    const idleRssBytes = rssBytes(server.pid);
    log(`  server up in ${server.startSeconds.toFixed(1)} s, idle ${idleAfterSeconds.toFixed(1)} s later, RSS ${mb(idleRssBytes)} idle`);
    const run = await runPaths({ base: server.base, pids, seed: database.seed, load: options.load, which: options.which, oneClickLimit: options.oneClickLimit, log });
    await waitUntilIdle(pids, { timeoutMs: 60_000 });
    return {
      seed: summarise(database.seed, database.seconds),
      startSeconds: server.startSeconds,
      idleAfterSeconds,
      idleRssBytes,
      run,
      mailsDelivered: sink.received(),
    };
  } finally {
    await server.stop();
    await sink.close();
    if (!options.keep) for (const suffix of ['', '-wal', '-shm']) rmSync(`${database.path}${suffix}`, { force: true });
  }
}

export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
