// Every answer under /c/, /u/ and /p/ shows an address or carries a token: none may be cached.
import { describe, expect, it } from 'vitest';
import { BASE_URL, confirmPath, makeTestApp } from '../helpers/test-app.ts';

describe('Cache-Control: no-store on the link pages', () => {
  it('on every answer of /c/, /u/ and /p/, pages, fragments, errors and the one-click text', async () => {
    const t = await makeTestApp({ RATE_LIMIT_LINKS: '40/10m' });
    await t.signup({ email: 'nostore@example.com', categories: ['newsletter', 'offers'] });
    const confirm = confirmPath((await t.deliver())[0]!);
    const welcome = (await (async () => {
      await t.request(confirm, { method: 'POST' });
      return t.deliver();
    })())[0]!;
    const unsubscribe = welcome.headers['List-Unsubscribe']!.slice(`<${BASE_URL}`.length, -1);
    const manage = /\/p\/[\w.-]+/.exec(welcome.text)![0];
    const consent = /name="consent" value="([0-9a-f]{64})"/.exec(await (await t.request(manage)).text())![1]!;
    const form = (fields: Record<string, string>) => ({ method: 'POST', body: new URLSearchParams(fields) });

    const answers: [string, Response][] = [
      ['confirm page', await t.request(confirm)],
      ['confirm HEAD', await t.request(confirm, { method: 'HEAD' })],
      ['confirmed page', await t.request(confirm, { method: 'POST' })],
      ['broken confirm link', await t.request('/c/not-a-token')],
      ['unsubscribe page', await t.request(unsubscribe)],
      ['request-link page', await t.request('/u/request-link')],
      ['preference page', await t.request(manage)],
      ['preference save', await t.request(manage, form({ consent, shown: 'newsletter', categories: 'newsletter' }))],
      ['htmx row', await t.request(`${manage}/categories/offers`, { ...form({ consent }), headers: { 'HX-Request': 'true' } })],
      ['data download', await t.request(`${manage}/data`)],
      ['broken preference link', await t.request('/p/not-a-token')],
      ['forged cross-site post', await t.request(manage, { ...form({ consent }), headers: { Origin: 'https://evil.example' } })],
      ['too large', await t.request(manage, form({ consent, pad: 'x'.repeat(40 * 1024) }))],
      ['unsubscribed page', await t.request(unsubscribe, form({ unsubscribe: 'page' }))],
      ['one-click text', await t.request(unsubscribe, { ...form({ 'List-Unsubscribe': 'One-Click' }), headers: { Origin: 'none' } })],
    ];
    for (let i = 0; i < 40; i++) await t.request('/p/not-a-token');
    answers.push(['rate limited', await t.request(manage)]);

    expect(answers.map(([, res]) => res.status)).toEqual([200, 200, 200, 400, 200, 200, 200, 200, 200, 200, 400, 403, 413, 200, 200, 429]);
    for (const [what, res] of answers) expect(res.headers.get('Cache-Control'), what).toBe('no-store');
  });
});
