// Values kept for a moment, by key: what many requests in a row would each read or build again
// (a site, its categories, a hash). A second bounds how stale a value can be in any process; the
// owner clears it when it changes the source itself. The clock is a monotonic one, not the
// app's (which tests may stop). Runtime-neutral.
//
// Only settled values are kept, never a pending promise: a Worker isolate serves many requests
// at once, and a request that waits on a D1 read another request started is cancelled by
// workerd as hung (and the read fails with "Cannot perform I/O on behalf of a different
// request"). Requests that miss at the same moment each load for themselves.
export interface TtlCache<V> {
  /** The kept value, or what `load` gives (kept, unless it fails: the next call tries again). */
  get(key: string, load: () => Promise<V>): Promise<V>;
  clear(): void;
}

export const TTL_MS = 1000;

export function ttlCache<V>({ ttlMs = TTL_MS, maxEntries = 1000, now = () => performance.now() } = {}): TtlCache<V> {
  const kept = new Map<string, { expires: number; value: V }>();
  return {
    async get(key, load) {
      const entry = kept.get(key);
      if (entry && entry.expires > now()) return entry.value;
      const value = await load();
      // Bounded: a flood of keys starts it afresh rather than growing it.
      if (kept.size >= maxEntries) kept.clear();
      kept.set(key, { expires: now() + ttlMs, value });
      return value;
    },
    clear: () => kept.clear(),
  };
}
