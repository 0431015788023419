// Values kept for a moment, by key: what many requests in a row would each read or build again
// (a site, its categories, a form). A second bounds how stale a value can be in any process; the
// owner clears it when it changes the source itself. The clock is a monotonic one, not the
// app's (which tests may stop). Runtime-neutral.
export interface TtlCache<V> {
  /** The kept value, or what `load` gives (kept, unless it fails: the next call tries again). */
  get(key: string, load: () => Promise<V>): Promise<V>;
  clear(): void;
}

export const TTL_MS = 1000;

export function ttlCache<V>({ ttlMs = TTL_MS, maxEntries = 1000, now = () => performance.now() } = {}): TtlCache<V> {
  const kept = new Map<string, { expires: number; value: Promise<V> }>();
  return {
    get(key, load) {
      const entry = kept.get(key);
      if (entry && entry.expires > now()) return entry.value;
      const value = load();
      // Bounded: a flood of keys starts it afresh rather than growing it.
      if (kept.size >= maxEntries) kept.clear();
      const fresh = { expires: now() + ttlMs, value };
      kept.set(key, fresh);
      value.catch(() => {
        if (kept.get(key) === fresh) kept.delete(key);
      });
      return value;
    },
    clear: () => kept.clear(),
  };
}
