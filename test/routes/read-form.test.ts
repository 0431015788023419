// readForm reads urlencoded bodies itself (faster than parseBody): it must read every body the
// way parseBody({ all: true }) does, hostile ones included.
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { AppEnv } from '../../src/app-env.ts';
import { readForm } from '../../src/routes/render.tsx';

const app = new Hono<AppEnv>();
app.post('/ours', async (c) => c.json(await readForm(c)));
app.post('/hono', async (c) => c.json(await c.req.parseBody({ all: true })));

const read = async (path: string, body: string, type: string) =>
  (await app.request(path, { method: 'POST', body, headers: { 'Content-Type': type } })).json();

describe('readForm on urlencoded bodies', () => {
  const bodies = [
    'email=pat%40example.com&name=Pat+Lee&categories=newsletter&categories=offers',
    'List-Unsubscribe=One-Click',
    'a=&b&=c&&d=1=2',
    'bad=%E0%A4%A&percent=%zz&plus=a+b%2Bc',
    'name=%E5%AE%89%E7%94%B0&name=%F0%9F%98%80',
    '__proto__=x&constructor=y&toString=z&__proto__=w',
    `email=a%40example.com&${'x&'.repeat(10_000)}${'categories=newsletter&'.repeat(10_000)}`,
    '',
  ];
  for (const body of bodies) {
    it(`reads ${JSON.stringify(body)} as parseBody does`, async () => {
      for (const type of ['application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=UTF-8']) {
        expect(await read('/ours', body, type)).toEqual(await read('/hono', body, type));
      }
    });
  }

  it('gives a field named __proto__ as a field, not as the prototype', async () => {
    const req = new Request('http://x/', { method: 'POST', body: '__proto__=x&__proto__=y&email=a', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    const fields = await new Hono<AppEnv>().post('/', async (c) => c.json({ own: Object.hasOwn((await readForm(c))!, '__proto__'), proto: Object.getPrototypeOf(await readForm(c)) })).request(req);
    expect(await fields.json()).toEqual({ own: true, proto: null });
  });
});
