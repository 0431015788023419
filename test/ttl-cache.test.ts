import { describe, expect, it } from 'vitest';
import { ttlCache } from '../src/ttl-cache.ts';

describe('ttlCache', () => {
  it('loads once per key while fresh, again once the time is up', async () => {
    let clock = 0;
    let loads = 0;
    const cache = ttlCache<number>({ ttlMs: 1000, now: () => clock });
    const load = async () => ++loads;
    expect(await cache.get('a', load)).toBe(1);
    clock = 999;
    expect(await cache.get('a', load)).toBe(1);
    expect(await cache.get('b', load)).toBe(2);
    clock = 1000;
    expect(await cache.get('a', load)).toBe(3);
  });

  it('keeps no failure: the next call loads again', async () => {
    const cache = ttlCache<string>({ now: () => 0 });
    await expect(cache.get('a', async () => Promise.reject(new Error('database busy')))).rejects.toThrow('database busy');
    expect(await cache.get('a', async () => 'loaded')).toBe('loaded');
  });

  it('clear forgets everything; a flood of keys does not grow it past its bound', async () => {
    let loads = 0;
    const cache = ttlCache<number>({ maxEntries: 3, now: () => 0 });
    const load = async () => ++loads;
    for (const key of ['a', 'b', 'c', 'd']) await cache.get(key, load);
    expect(await cache.get('a', load)).toBe(5);
    cache.clear();
    expect(await cache.get('d', load)).toBe(6);
  });
});
