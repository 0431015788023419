// The same paths against `npm run dev:worker` (wrangler dev on workerd with a local D1), for the
// record only: local workerd is not Cloudflare's network, so there are no targets. The local D1
// gets its schema from `wrangler d1 migrations apply` and the seeded rows from `wrangler d1
// execute --file`, a dump of a database seeded exactly like the Node runs' (same secrets, so
// the links and addresses work on both).
import { join } from 'node:path';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { benchEnv } from './bench-config.ts';
import { runChild, startChild } from './child.ts';
import { dumpRows } from './d1-dump.ts';
import type { Load } from './drive.ts';
import { mb, seedDatabase, summarise, type SeedSummary } from './node-run.ts';
import { processTree, rssBytes, waitUntilIdle } from './process-stats.ts';
import { startResendSink } from './resend-sink.ts';
import { runPaths, type HttpPath, type PathsRun } from './run-paths.ts';
import { cleanEnv, freePort } from './server.ts';

/** Where wrangler's output goes when the Worker gave an unexpected answer (git-ignored). */
const WORKER_LOG = 'bench-worker.log';

export interface WorkerRun {
  seed: SeedSummary;
  /** Dumping the rows and loading them with wrangler d1 execute. */
  loadSeconds: number;
  startSeconds: number;
  idleRssBytes: number;
  /** Of workerd alone (the tree's figures are in run.peakRssBytes and idleRssBytes). */
  workerdIdleRssBytes: number;
  run: PathsRun;
  mailsDelivered: number;
}

const QUIET = { WRANGLER_SEND_METRICS: 'false', WRANGLER_SEND_ERROR_REPORTS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' };

export async function runWorker(options: {
  dir: string;
  contacts: number;
  pool: number;
  load: Load;
  which: readonly (HttpPath | 'eligibility')[];
  log: (line: string) => void;
}): Promise<WorkerRun> {
  const { dir, log } = options;
  const database = await seedDatabase(dir, 'worker', options.contacts, options.pool);
  log(`  seeded ${options.contacts.toLocaleString('en')} contacts in ${database.seconds.toFixed(1)} s`);
  let started = performance.now();
  const sqlFile = join(dir, 'worker-seed.sql');
  const persistTo = join(dir, 'worker-state');
  const dumped = await dumpRows(database.path, sqlFile);
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${database.path}${suffix}`, { force: true });
  const wrangler = [process.execPath, 'node_modules/wrangler/bin/wrangler.js', 'd1'];
  const env = { ...cleanEnv(), ...QUIET };
  await runChild([...wrangler, 'migrations', 'apply', 'DB', '--local', '--persist-to', persistTo], env);
  await runChild([...wrangler, 'execute', 'DB', '--local', '--persist-to', persistTo, '--file', sqlFile, '--yes'], env);
  rmSync(sqlFile);
  const loadSeconds = (performance.now() - started) / 1000;
  log(`  loaded ${dumped.rows.toLocaleString('en')} rows into the local D1 in ${loadSeconds.toFixed(1)} s (wrangler d1 execute --local --file)`);

  const sink = await startResendSink();
  const port = await freePort();
  started = performance.now();
  const worker = await startChild([process.execPath, '--import', 'tsx', 'scripts/dev-worker.ts', '--port', String(port), '--persist-to', persistTo], {
    env: { ...env, ...benchEnv(), RESEND_BASE_URL: sink.url },
    ready: /Ready on/,
    group: true,
  });
  try {
    const startSeconds = (performance.now() - started) / 1000;
    const pids = () => processTree(worker.pid);
    const base = `http://localhost:${port}`;
    // The first request builds the isolate's runtime: not part of any path.
    await (await fetch(`${base}/s/demo`)).text();
    await waitUntilIdle(pids, { timeoutMs: 60_000 });
    const idleRssBytes = pids().reduce((sum, pid) => sum + rssBytes(pid), 0);
    const workerdIdleRssBytes = pids()
      .filter((pid) => commandOf(pid) === 'workerd')
      .reduce((sum, pid) => sum + rssBytes(pid), 0);
    log(`  dev:worker ready in ${startSeconds.toFixed(1)} s; RSS idle ${mb(idleRssBytes)} (the process tree; workerd ${mb(workerdIdleRssBytes)})`);
    const run = await runPaths({ base, pids, seed: database.seed, load: options.load, which: options.which, log });
    await waitUntilIdle(pids, { timeoutMs: 30_000 });
    // An unexpected answer is a finding: what wrangler printed about it is kept to read.
    if (Object.values(run.paths).some((path) => path.unexpected > 0)) {
      writeFileSync(WORKER_LOG, worker.output());
      log(`  unexpected answers: wrangler's output is in ${WORKER_LOG}`);
    }
    return {
      seed: summarise(database.seed, database.seconds),
      loadSeconds,
      startSeconds,
      idleRssBytes,
      workerdIdleRssBytes,
      run,
      mailsDelivered: sink.received(),
    };
  } finally {
    await worker.stop();
    await sink.close();
    rmSync(persistTo, { recursive: true, force: true });
  }
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}
