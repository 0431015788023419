// Console operators through the API: for keys of every site only; the setup link in the answer
// works; bad input is refused naming the field; a taken address is a 409.
import { beforeEach, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/domain/api-keys.ts';
import { form, OPERATOR_PASSWORD } from '../helpers/console.ts';
import { ADMIN_KEY, makeTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});

const post = (body: unknown, key = ADMIN_KEY) =>
  t.request('/api/v1/operators', { method: 'POST', headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

describe('POST /api/v1/operators', () => {
  it('makes an operator whose setup link leads into the console, and lists them', async () => {
    const res = await post({ email: 'owner@shop.example', role: 'owner' });
    expect(res.status).toBe(201);
    const { operator, setupUrl } = (await res.json()) as { operator: { id: string; email: string; role: string; site: string | null; state: string }; setupUrl: string };
    expect(operator).toMatchObject({ email: 'owner@shop.example', role: 'owner', site: null, state: 'setup pending' });
    expect(setupUrl).toMatch(/^https:\/\/assent\.test\/admin\/setup\/[\w-]+$/);
    const setup = await t.request(new URL(setupUrl).pathname, form({ password: OPERATOR_PASSWORD, repeat: OPERATOR_PASSWORD }));
    expect(setup.status).toBe(303);
    const listed = (await (await t.request('/api/v1/operators', { headers: { Authorization: `Bearer ${ADMIN_KEY}` } })).json()) as { operators: { email: string; state: string }[] };
    expect(listed.operators).toEqual([expect.objectContaining({ email: 'owner@shop.example', state: 'active' })]);
  });

  it('refuses bad input naming the field, a taken address with 409, and a key of one site with 403', async () => {
    const bad = async (body: unknown, path: string) => {
      const res = await post(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(((await res.json()) as { error: { details: { path: string }[] } }).error.details[0]!.path).toBe(path);
    };
    await bad({ email: 'not an address', role: 'viewer' }, 'email');
    await bad({ email: 'a@shop.example', role: 'admin' }, 'role');
    await bad({ email: 'a@shop.example', role: 'editor', site: 'nope' }, 'site');
    await bad({ email: 'a@shop.example', role: 'owner', site: 'demo' }, 'site');
    expect((await post({ email: 'a@shop.example', role: 'viewer' })).status).toBe(201);
    expect((await post({ email: 'A@shop.example', role: 'editor' })).status).toBe(409);
    const { key } = await createApiKey(t.deps, { siteId: 'demo' });
    expect((await post({ email: 'b@shop.example', role: 'viewer' }, key)).status).toBe(403);
    expect(await t.db.selectFrom('operators').select('id').execute()).toHaveLength(1);
  });
});
