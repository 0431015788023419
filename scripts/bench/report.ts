// What a run prints: the main table (each path next to its limit, its ratio and the target,
// met or missed), the scale table, the Worker's figures, and the same main table in Markdown
// for the README's Performance section.
import type { LimitKind } from './limit-server.ts';
import { LIMIT_KINDS, LIMIT_NAMES, type LimitFigures } from './limits.ts';
import { mb, type NodeRun } from './node-run.ts';
import { HTTP_PATHS, ms, PATH_NAMES, type HttpPath } from './run-paths.ts';
import { ELIGIBILITY_MS, IDLE_RSS_MB, ONE_CLICK_P99_MS, PEAK_RSS_MB, RATIO_TARGETS, ratioTo, SCALE_P50_RATIO, type ScaleRatio } from './targets.ts';
import type { WorkerRun } from './worker-run.ts';

type Limits = Record<LimitKind, LimitFigures>;

const rate = (value: number) => Math.round(value).toLocaleString('en');
const verdict = (met: boolean) => (met ? 'met' : 'MISSED');

/** Rows of cells as aligned text columns. */
export function columns(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

export function markdown(rows: string[][]): string {
  const line = (row: string[]) => `| ${row.join(' | ')} |`;
  return [line(rows[0]!), line(rows[0]!.map(() => '---')), ...rows.slice(1).map(line)].join('\n');
}

/** The main run's rows: the limits, then each path with its ratio and target, eligibility, RSS. */
export function mainRows(limits: Limits, main: NodeRun): string[][] {
  const rows = [['path', 'requests/s', 'p50', 'p99', 'ratio to its limit', 'target', '']];
  for (const kind of LIMIT_KINDS) {
    const f = limits[kind];
    rows.push([`limit: ${LIMIT_NAMES[kind]}`, rate(f.requestsPerSecond), ms(f.p50Ms), ms(f.p99Ms), `(${kind} limit)`, '', '']);
  }
  for (const path of HTTP_PATHS) {
    const f = main.run.paths[path];
    if (!f) continue;
    const { limit, atLeast } = RATIO_TARGETS[path];
    const ratio = ratioTo(limits, path, f.requestsPerSecond);
    rows.push([PATH_NAMES[path], rate(f.requestsPerSecond), ms(f.p50Ms), ms(f.p99Ms), `${ratio.toFixed(2)} of ${limit}`, `≥ ${atLeast}`, verdict(ratio >= atLeast)]);
    if (path === 'oneClick') rows.push(['', '', '', '', '', `p99 < ${ONE_CLICK_P99_MS} ms`, verdict(f.p99Ms < ONE_CLICK_P99_MS)]);
  }
  const e = main.run.eligibility;
  if (e) rows.push([PATH_NAMES.eligibility, '', `${e.medianMs.toFixed(0)} ms (median)`, '', '', `< ${ELIGIBILITY_MS} ms`, verdict(e.medianMs < ELIGIBILITY_MS)]);
  const idle = main.idleRssBytes / 1024 / 1024;
  const peak = main.run.peakRssBytes / 1024 / 1024;
  rows.push(['server RSS, idle', '', mb(main.idleRssBytes), '', '', `< ${IDLE_RSS_MB} MB`, verdict(idle < IDLE_RSS_MB)]);
  rows.push(['server RSS, peak under the bench', '', mb(main.run.peakRssBytes), '', '', `< ${PEAK_RSS_MB} MB`, verdict(peak < PEAK_RSS_MB)]);
  return rows;
}

export function scaleRows(ratios: readonly ScaleRatio[], sizes: readonly [number, number]): string[][] {
  const [small, large] = sizes.map((n) => n.toLocaleString('en'));
  return [
    ['path', `p50 at ${small}`, `p50 at ${large}`, 'ratio', 'target', ''],
    ...ratios.map((r) => [r.path, ms(r.smallP50Ms), ms(r.largeP50Ms), r.ratio.toFixed(2), `≤ ${SCALE_P50_RATIO}`, verdict(r.met)]),
  ];
}

export function workerRows(limits: Limits, worker: WorkerRun): string[][] {
  const rows = [['path', 'requests/s', 'p50', 'p99', "ratio to Node's limit"]];
  for (const path of HTTP_PATHS) {
    const f = worker.run.paths[path];
    if (f) rows.push([PATH_NAMES[path], rate(f.requestsPerSecond), ms(f.p50Ms), ms(f.p99Ms), `${ratioTo(limits, path, f.requestsPerSecond).toFixed(3)} of ${RATIO_TARGETS[path as HttpPath].limit}`]);
  }
  const e = worker.run.eligibility;
  if (e) rows.push([PATH_NAMES.eligibility, '', `${e.medianMs.toFixed(0)} ms (median)`, '', '']);
  rows.push(['RSS, idle / peak (wrangler + workerd)', '', `${mb(worker.idleRssBytes)} / ${mb(worker.run.peakRssBytes)}`, '', '']);
  return rows;
}
