// One load: autocannon at the bench's concurrency and duration against one path, each request
// built by the path (its own address, its own contact's link), and the figures kept.
import autocannon from 'autocannon';

export interface Load {
  connections: number;
  durationSeconds: number;
}

export interface Target {
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** The next request's path and body. */
  next(): { path: string; body?: string };
  /**
   * At most this many requests (a path that must not repeat itself, such as one-click on
   * distinct contacts, runs out): the run ends there if the duration has not ended it first.
   */
  limit?: number;
  /** The status every answer must have. */
  status: number;
}

export interface Figures {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  seconds: number;
  /** Answers with another status than expected, errors and timeouts: a run with any is suspect. */
  unexpected: number;
  statuses: Record<string, number>;
  /** The run stopped at `limit` before the duration was over. */
  ranOut: boolean;
}

export async function drive(base: string, target: Target, load: Load): Promise<Figures> {
  const instance = autocannon({
    url: base,
    connections: load.connections,
    duration: load.durationSeconds,
    ...(target.limit !== undefined && target.limit < Number.MAX_SAFE_INTEGER ? { maxOverallRequests: target.limit } : {}),
    method: target.method,
    headers: target.headers,
    timeout: 30,
    requests: [
      {
        setupRequest: (request) => {
          const { path, body } = target.next();
          return body === undefined ? { ...request, path } : { ...request, path, body };
        },
      },
    ],
  });
  // autocannon's own percentiles are whole milliseconds: too coarse for a ratio of two p50s of
  // a few milliseconds. Its events carry each answer's time as a float.
  const times: number[] = [];
  instance.on('response', (_client, _status, _bytes, milliseconds) => times.push(milliseconds));
  const result = await instance;
  times.sort((a, b) => a - b);
  const statuses = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count]));
  const requests = Object.values(statuses).reduce((sum, count) => sum + count, 0);
  const expected = statuses[String(target.status)] ?? 0;
  return {
    requestsPerSecond: requests / result.duration,
    p50Ms: percentile(times, 0.5),
    p99Ms: percentile(times, 0.99),
    requests,
    seconds: result.duration,
    unexpected: requests - expected + result.errors + result.timeouts,
    statuses,
    ranOut: target.limit !== undefined && requests >= target.limit && result.duration < load.durationSeconds - 0.5,
  };
}

/** Nearest-rank percentile of sorted values; 0 when there are none. */
export function percentile(sorted: readonly number[], share: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(share * sorted.length) - 1))]!;
}
