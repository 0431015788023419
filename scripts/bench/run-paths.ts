// Drives the measured paths against a running server (the Node server or the Worker), one after
// the other, each starting once the server is idle again (the sealing and the mail the path
// before left behind are not this path's cost), sampling the server's RSS throughout.
import { drive, type Figures, type Load } from './drive.ts';
import { timeEligibility, type EligibilityTiming } from './eligibility.ts';
import { managePage, oneClick, signupForm, signupPage } from './paths.ts';
import { sampleRss, waitUntilIdle } from './process-stats.ts';
import type { SeedResult } from './seed.ts';

export const HTTP_PATHS = ['signupPage', 'managePage', 'oneClick', 'signup'] as const;
export type HttpPath = (typeof HTTP_PATHS)[number];

export const PATH_NAMES: Record<HttpPath | 'eligibility', string> = {
  signupPage: 'GET /s/demo',
  managePage: 'GET /p/{token}',
  oneClick: 'one-click POST /u/{token}',
  signup: 'POST /s/demo (new addresses)',
  eligibility: 'eligibility, 10,000 addresses',
};

export interface PathFigures extends Figures {
  peakRssBytes: number;
  /** How long the server took to be idle before this path. */
  settleSeconds: number;
}

export interface PathsRun {
  paths: Partial<Record<HttpPath, PathFigures>>;
  eligibility?: EligibilityTiming;
  /** Highest RSS over every path. */
  peakRssBytes: number;
}

export interface RunOptions {
  base: string;
  /** The server's processes (one for Node; wrangler and workerd for the Worker). */
  pids: () => number[];
  seed: Pick<SeedResult, 'contacts' | 'manage' | 'oneClick'>;
  load: Load;
  which: readonly (HttpPath | 'eligibility')[];
  /** At most this many one-clicks (the same for two runs that are compared). */
  oneClickLimit?: number;
  log: (line: string) => void;
}

export async function runPaths(options: RunOptions): Promise<PathsRun> {
  const { base, pids, seed, load, log } = options;
  const run: PathsRun = { paths: {}, peakRssBytes: 0 };
  const rss = sampleRss(pids);
  const order: (HttpPath | 'eligibility')[] = ['signupPage', 'managePage', 'eligibility', 'oneClick', 'signup'];
  try {
    for (const path of order.filter((p) => options.which.includes(p))) {
      const settleSeconds = await waitUntilIdle(pids, { timeoutMs: 60_000 });
      rss.reset();
      if (path === 'eligibility') {
        run.eligibility = await timeEligibility(base, seed.contacts);
        log(`  ${PATH_NAMES.eligibility}: median ${run.eligibility.medianMs.toFixed(0)} ms (${run.eligibility.runsMs.map((ms) => ms.toFixed(0)).join(', ')})`);
      } else {
        const target =
          path === 'signupPage'
            ? signupPage()
            : path === 'managePage'
              ? managePage(seed.manage)
              : path === 'oneClick'
                ? oneClick(seed.oneClick, options.oneClickLimit)
                : await signupForm(base, `${Date.now().toString(36)}`);
        const figures = await drive(base, target, load);
        run.paths[path] = { ...figures, peakRssBytes: rss.peak(), settleSeconds };
        log(`  ${describe(PATH_NAMES[path], figures)}`);
      }
      run.peakRssBytes = Math.max(run.peakRssBytes, rss.peak());
    }
  } finally {
    rss.stop();
  }
  return run;
}

export function describe(name: string, f: Figures): string {
  const warn = f.unexpected > 0 ? `  (${f.unexpected} unexpected answers: ${JSON.stringify(f.statuses)})` : '';
  const out = f.ranOut ? `  (stopped after ${f.requests} distinct contacts, ${f.seconds.toFixed(1)} s)` : '';
  return `${name}: ${Math.round(f.requestsPerSecond).toLocaleString('en')} req/s, p50 ${ms(f.p50Ms)}, p99 ${ms(f.p99Ms)}${out}${warn}`;
}

export const ms = (value: number) => `${value < 10 ? value.toFixed(1) : value.toFixed(0)} ms`;
