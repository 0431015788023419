// npm run bench: the hot paths of the real server against the bare stack under them, at a
// concurrency and duration shared by all, on a seeded database; then the same paths at two
// sizes of database, and against `npm run dev:worker`. Prints each figure next to issue 12's
// target and writes everything to bench-results.json. See README, "Performance".
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeBenchConfig } from './bench-config.ts';
import { stopAll } from './child.ts';
import type { LimitKind } from './limit-server.ts';
import { LIMIT_KINDS, LIMIT_NAMES, measureLimit, type LimitFigures } from './limits.ts';
import { mb, runNode, seedDatabase, type NodeRun } from './node-run.ts';
import { linkPool, parseOptions, UsageError, USAGE, type Options } from './options.ts';
import { columns, mainRows, markdown, scaleRows, workerRows } from './report.ts';
import { describe, PATH_NAMES, type HttpPath } from './run-paths.ts';
import { SERVER_COMMAND } from './server-command.ts';
import { mainVerdicts, scaleRatios, type ScaleRatio, type Verdict } from './targets.ts';
import { runWorker, type WorkerRun } from './worker-run.ts';

const ALL: readonly (HttpPath | 'eligibility')[] = ['signupPage', 'managePage', 'eligibility', 'oneClick', 'signup'];
/** GET /s/demo reads no contact: the scale part measures the paths that do. */
const SCALED: readonly (HttpPath | 'eligibility')[] = ['managePage', 'eligibility', 'oneClick', 'signup'];

interface Results {
  startedAt: string;
  seconds?: number;
  machine: { node: string; cpu: string; cores: number; loadAverageAtStart: number[] };
  options: Options;
  configuration: string;
  serverCommand: string;
  limits?: Record<LimitKind, LimitFigures>;
  main?: NodeRun;
  verdicts?: Verdict[];
  scale?: { small: NodeRun; large: NodeRun; ratios: ScaleRatio[] } | { skipped: string };
  worker?: WorkerRun | { skipped: string } | { failed: string };
  error?: string;
}

const log = (line = '') => console.log(line);

async function main(options: Options): Promise<Results> {
  const results: Results = {
    startedAt: new Date().toISOString(),
    machine: { node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, loadAverageAtStart: loadavg() },
    options,
    configuration: describeBenchConfig(),
    serverCommand: SERVER_COMMAND.slice(1).join(' '),
  };
  const started = performance.now();
  const load = { connections: options.connections, durationSeconds: options.durationSeconds };
  const pool = linkPool(options);
  const dir = mkdtempSync(join(tmpdir(), 'assent-bench-'));
  if (!options.keep) tempDir = dir;
  const save = () => {
    results.seconds = (performance.now() - started) / 1000;
    writeFileSync(options.out, `${JSON.stringify(results, null, 2)}\n`);
  };
  log(`assent bench: Node ${process.version}, ${results.machine.cpu} x${results.machine.cores}, load average ${loadavg().map((n) => n.toFixed(2)).join(' ')}`);
  log(`${options.connections} connections, ${options.durationSeconds} s per path and per limit (autocannon), ${options.contacts.toLocaleString('en')} contacts`);
  log(results.configuration);
  log(`server: ${results.serverCommand}`);
  if (options.keep) log(`databases kept in ${dir}`);
  try {
    log('\nlimits, each in its own process:');
    const limits = {} as Record<LimitKind, LimitFigures>;
    for (const kind of LIMIT_KINDS) {
      limits[kind] = await measureLimit(kind, load, dir);
      log(`  ${describe(`${kind}: ${LIMIT_NAMES[kind]}`, limits[kind])}, RSS ${mb(limits[kind].peakRssBytes)}`);
    }
    results.limits = limits;

    log(`\nmain run: seeding ${options.contacts.toLocaleString('en')} contacts`);
    const database = await seedDatabase(dir, 'main', options.contacts, pool);
    logSeed(database.seed, database.seconds);
    results.main = await runNode({ database, load, which: ALL, keep: options.keep, log });
    results.verdicts = mainVerdicts(limits, results.main, PATH_NAMES);
    log(`  mail delivered to the Resend stand-in: ${results.main.mailsDelivered}`);
    save();

    if (options.scale) {
      const [smallSize, largeSize] = options.scaleContacts;
      log(`\nscale: ${smallSize.toLocaleString('en')} vs ${largeSize.toLocaleString('en')} contacts`);
      const smallDb = await seedDatabase(dir, 'small', smallSize, pool);
      logSeed(smallDb.seed, smallDb.seconds);
      // Both sizes get as many one-clicks as the smaller one has distinct contacts to give.
      const oneClickLimit = smallDb.seed.oneClick.length;
      const small = await runNode({ database: smallDb, load, which: SCALED, oneClickLimit, keep: options.keep, log });
      const largeDb = await seedDatabase(dir, 'large', largeSize, pool);
      logSeed(largeDb.seed, largeDb.seconds);
      const large = await runNode({ database: largeDb, load, which: SCALED, oneClickLimit, keep: options.keep, log });
      results.scale = { small, large, ratios: scaleRatios(small, large, PATH_NAMES) };
    } else {
      results.scale = { skipped: '--no-scale' };
    }
    save();

    if (options.worker) {
      log(`\nnpm run dev:worker (wrangler dev, workerd, local D1; reported, no targets): ${options.workerContacts.toLocaleString('en')} contacts`);
      try {
        results.worker = await runWorker({ dir, contacts: options.workerContacts, pool, load, which: ALL, log });
      } catch (error) {
        // The Node figures stand on their own: say why the Worker's are missing.
        results.worker = { failed: error instanceof Error ? error.message : String(error) };
        log(`  the Worker part failed: ${results.worker.failed}`);
      }
    } else {
      results.worker = { skipped: '--no-worker' };
    }
    save();
    printSummary(results);
    return results;
  } catch (error) {
    results.error = error instanceof Error ? (error.stack ?? error.message) : String(error);
    save();
    throw error;
  } finally {
    await stopAll();
    if (!options.keep) rmSync(dir, { recursive: true, force: true });
  }
}

function logSeed(seed: { contacts: number; rows: Record<string, number>; seconds: Record<string, number>; bytes: number }, seconds: number) {
  const rows = Object.entries(seed.rows)
    .map(([table, n]) => `${n.toLocaleString('en')} ${table}`)
    .join(', ');
  log(`  seeded in ${seconds.toFixed(1)} s (bulk ${seed.seconds.bulk!.toFixed(1)} s, links ${seed.seconds.links!.toFixed(1)} s): ${rows}; ${mb(seed.bytes)} on disk`);
}

function printSummary(results: Results) {
  const { limits, main, scale, worker, options } = results;
  if (!limits || !main) return;
  log(`\n== one run: ${options.connections} connections, ${options.durationSeconds} s per path, ${options.contacts.toLocaleString('en')} contacts ==`);
  const rows = mainRows(limits, main);
  log(columns(rows));
  if (scale && 'ratios' in scale) {
    log(`\n== scale: p50 at ${options.scaleContacts[1].toLocaleString('en')} contacts over p50 at ${options.scaleContacts[0].toLocaleString('en')} ==`);
    log(columns(scaleRows(scale.ratios, options.scaleContacts)));
  }
  if (worker && 'run' in worker) {
    log(`\n== npm run dev:worker, ${options.workerContacts.toLocaleString('en')} contacts (local workerd: reported, no targets) ==`);
    log(columns(workerRows(limits, worker)));
  }
  const verdicts = [...(results.verdicts ?? []), ...(scale && 'ratios' in scale ? scale.ratios : []).map((r) => ({ met: r.met }))];
  log(`\ntargets met: ${verdicts.filter((v) => v.met).length} of ${verdicts.length}`);
  log(`results: ${options.out}; ${((results.seconds ?? 0) / 60).toFixed(1)} minutes`);
  log('\nfor the README (Performance):\n');
  log(markdown(rows));
  if (scale && 'ratios' in scale) log(`\n${markdown(scaleRows(scale.ratios, options.scaleContacts))}`);
  if (worker && 'run' in worker) log(`\n${markdown(workerRows(limits, worker))}`);
}

/** Removed on the way out, Ctrl-C included (unless --keep). */
let tempDir: string | null = null;

let options: Options;
try {
  options = parseOptions(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  if (error.message) console.error(`bench: ${error.message}\n`);
  console.error(USAGE);
  process.exit(error.message ? 2 : 0);
}
// Ctrl-C: the servers and seeders go too, and the temp databases with them.
process.once('SIGINT', () =>
  void stopAll().then(() => {
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    process.exit(130);
  }),
);
main(options).catch((error) => {
  console.error(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
