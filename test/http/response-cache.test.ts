import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { responseCache } from '../../src/http/response-cache.ts';

/** An app whose answers count how often it ran, behind a cache keyed by path, on a clock the test moves. */
function cachedApp(answer: (c: { path: string; run: number }) => Response = ({ run }) => new Response(`run ${run}`, { headers: { 'X-Kind': 'page' } })) {
  let time = 0;
  let runs = 0;
  const cache = responseCache({ key: (c) => (c.req.method === 'GET' ? c.req.path : null), ttlMs: 1000, maxEntries: 3, now: () => time });
  const app = new Hono();
  app.use('*', cache.middleware);
  app.all('*', (c) => answer({ path: c.req.path, run: ++runs }));
  return { app, cache, advance: (ms: number) => (time += ms), runs: () => runs };
}

describe('the response cache', () => {
  it('serves a kept answer, status, headers and body, without running the app, until it is a second old', async () => {
    const { app, advance, runs } = cachedApp();
    const first = await app.request('/s/demo');
    expect(await first.text()).toBe('run 1');
    advance(999);
    const second = await app.request('/s/demo');
    expect(second.status).toBe(200);
    expect(second.headers.get('X-Kind')).toBe('page');
    expect(await second.text()).toBe('run 1');
    expect(runs()).toBe(1);
    advance(1);
    expect(await (await app.request('/s/demo')).text()).toBe('run 2');
  });

  it('keeps one answer per key, and answers requests without a key from the app every time', async () => {
    const { app, runs } = cachedApp();
    await app.request('/a');
    await app.request('/b');
    expect(await (await app.request('/a')).text()).toBe('run 1');
    expect(await (await app.request('/b')).text()).toBe('run 2');
    expect(await (await app.request('/a', { method: 'POST' })).text()).toBe('run 3');
    expect(await (await app.request('/a', { method: 'POST' })).text()).toBe('run 4');
    expect(runs()).toBe(4);
  });

  it('forgets everything on clear()', async () => {
    const { app, cache } = cachedApp();
    await app.request('/a');
    cache.clear();
    expect(await (await app.request('/a')).text()).toBe('run 2');
  });

  it('never keeps an error, a cookie or an answer marked private or no-store', async () => {
    const answers: Record<string, ResponseInit> = {
      '/missing': { status: 404 },
      '/cookie': { headers: { 'Set-Cookie': 'session=1' } },
      '/private': { headers: { 'Cache-Control': 'private, max-age=60' } },
      '/no-store': { headers: { 'Cache-Control': 'no-store' } },
    };
    const { app, runs } = cachedApp(({ path, run }) => new Response(`run ${run}`, answers[path]));
    for (const path of Object.keys(answers)) {
      await app.request(path);
      await app.request(path);
    }
    expect(runs()).toBe(8);
  });

  it('holds at most maxEntries answers (a flood of keys cannot grow it)', async () => {
    const { app, runs } = cachedApp();
    for (const path of ['/a', '/b', '/c', '/d']) await app.request(path);
    // The fourth key found it full and started it afresh: /a was dropped, /d kept.
    expect(await (await app.request('/d')).text()).toBe('run 4');
    expect(await (await app.request('/a')).text()).toBe('run 5');
    expect(runs()).toBe(5);
  });
});
