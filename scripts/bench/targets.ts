// Issue 12's targets, each judged on the figures of one run (ratios to limits of the same run).
import type { LimitKind } from './limit-server.ts';
import type { LimitFigures } from './limits.ts';
import type { NodeRun } from './node-run.ts';
import type { HttpPath } from './run-paths.ts';

export interface Verdict {
  /** What is judged, e.g. "GET /p/{token}: ratio to the read limit". */
  what: string;
  value: number;
  /** The target in words: "≥ 0.3", "< 100 ms". */
  target: string;
  met: boolean;
}

/** Each path's limit and the share of it the path must reach. */
export const RATIO_TARGETS: Record<HttpPath, { limit: LimitKind; atLeast: number }> = {
  signupPage: { limit: 'read', atLeast: 0.7 },
  managePage: { limit: 'read', atLeast: 0.3 },
  oneClick: { limit: 'write', atLeast: 0.5 },
  signup: { limit: 'form', atLeast: 0.5 },
};
export const ONE_CLICK_P99_MS = 50;
export const ELIGIBILITY_MS = 100;
export const PEAK_RSS_MB = 150;
export const IDLE_RSS_MB = 80;
/** p50 at the larger size over p50 at the smaller, on every path. */
export const SCALE_P50_RATIO = 1.2;

const MB = 1024 * 1024;

export function ratioTo(limits: Record<LimitKind, LimitFigures>, path: HttpPath, requestsPerSecond: number): number {
  return requestsPerSecond / limits[RATIO_TARGETS[path].limit].requestsPerSecond;
}

export function mainVerdicts(limits: Record<LimitKind, LimitFigures>, main: NodeRun, names: Record<HttpPath, string>): Verdict[] {
  const verdicts: Verdict[] = [];
  for (const [path, figures] of Object.entries(main.run.paths) as [HttpPath, NonNullable<NodeRun['run']['paths'][HttpPath]>][]) {
    const { limit, atLeast } = RATIO_TARGETS[path];
    const ratio = ratioTo(limits, path, figures.requestsPerSecond);
    verdicts.push({ what: `${names[path]}: ratio to the ${limit} limit`, value: ratio, target: `≥ ${atLeast}`, met: ratio >= atLeast });
    if (path === 'oneClick') {
      verdicts.push({ what: `${names[path]}: p99 (ms)`, value: figures.p99Ms, target: `< ${ONE_CLICK_P99_MS} ms`, met: figures.p99Ms < ONE_CLICK_P99_MS });
    }
  }
  if (main.run.eligibility) {
    const { medianMs } = main.run.eligibility;
    verdicts.push({ what: 'eligibility, 10,000 addresses: median (ms)', value: medianMs, target: `< ${ELIGIBILITY_MS} ms`, met: medianMs < ELIGIBILITY_MS });
  }
  const peak = main.run.peakRssBytes / MB;
  const idle = main.idleRssBytes / MB;
  verdicts.push({ what: 'server RSS under the bench: peak (MB)', value: peak, target: `< ${PEAK_RSS_MB} MB`, met: peak < PEAK_RSS_MB });
  verdicts.push({ what: 'server RSS before the first request: idle (MB)', value: idle, target: `< ${IDLE_RSS_MB} MB`, met: idle < IDLE_RSS_MB });
  return verdicts;
}

export interface ScaleRatio {
  path: string;
  smallP50Ms: number;
  largeP50Ms: number;
  ratio: number;
  met: boolean;
}

export function scaleRatios(small: NodeRun, large: NodeRun, names: Record<HttpPath | 'eligibility', string>): ScaleRatio[] {
  const rows: ScaleRatio[] = [];
  const add = (path: string, smallP50Ms: number, largeP50Ms: number) => {
    const ratio = largeP50Ms / smallP50Ms;
    rows.push({ path, smallP50Ms, largeP50Ms, ratio, met: ratio <= SCALE_P50_RATIO });
  };
  for (const [path, figures] of Object.entries(small.run.paths) as [HttpPath, { p50Ms: number }][]) {
    const other = large.run.paths[path];
    if (other) add(names[path], figures.p50Ms, other.p50Ms);
  }
  if (small.run.eligibility && large.run.eligibility) add(names.eligibility, small.run.eligibility.medianMs, large.run.eligibility.medianMs);
  return rows;
}
