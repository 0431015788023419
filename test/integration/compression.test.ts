// The real server compresses what is worth it, as the client accepts: brotli, else gzip, never
// a body of a few bytes, never a HEAD, and the bytes decode to exactly the page sent plain.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from '../helpers/raw-http.ts';
import { removeTempDirs, startServer, submitSignup, urlsIn, waitFor, type ServerProcess } from '../helpers/server-process.ts';
import type { DevMail } from '../../src/mail/dev-mailbox.ts';

let server: ServerProcess;

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server?.stop();
  removeTempDirs();
});

const get = (path: string, acceptEncoding?: string) =>
  rawRequest(server.url + path, { headers: acceptEncoding === undefined ? {} : { 'Accept-Encoding': acceptEncoding } });

describe('compression on the real server', () => {
  it('sends the signup page in brotli when offered, gzip when that is all, and plain otherwise', async () => {
    const plain = await get('/s/demo');
    expect(plain.headers['content-encoding']).toBeUndefined();
    const br = await get('/s/demo', 'gzip, deflate, br, zstd');
    const gzip = await get('/s/demo', 'gzip');
    const refused = await get('/s/demo', 'br;q=0, gzip;q=0');
    expect(br.headers['content-encoding']).toBe('br');
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(refused.headers['content-encoding']).toBeUndefined();
    for (const answer of [br, gzip, plain, refused]) expect(answer.headers.vary).toMatch(/accept-encoding/i);
    // The same page, in well under half the bytes (brotli smaller still).
    expect(br.text()).toBe(plain.text());
    expect(gzip.text()).toBe(plain.text());
    expect(gzip.body.length).toBeLessThan(plain.body.length / 2);
    expect(br.body.length).toBeLessThan(gzip.body.length);
  });

  it('leaves short answers as they are (the one-click text) and HEAD bodiless', async () => {
    const signup = await submitSignup(server, { email: 'short@example.com', categories: ['newsletter'] });
    expect(signup.status).toBe(200);
    const confirmation = await waitFor(async () => {
      const mails = (await (await server.fetch('/dev/mailbox.json')).json()) as DevMail[];
      return mails.find((mail) => mail.to.includes('short@example.com'));
    }, { what: 'the confirmation mail' });
    const confirmUrl = urlsIn(confirmation.text).find((url) => url.includes('/c/'))!;
    expect((await server.fetch(new URL(confirmUrl).pathname, { method: 'POST' })).status).toBe(200);
    const welcome = await waitFor(async () => {
      const mails = (await (await server.fetch('/dev/mailbox.json')).json()) as DevMail[];
      return mails.find((mail) => mail.to.includes('short@example.com') && mail.text.includes('/u/'));
    }, { what: 'the welcome mail' });
    const unsubscribePath = new URL(urlsIn(welcome.text).find((url) => url.includes('/u/'))!).pathname;

    const oneClick = await rawRequest(server.url + unsubscribePath, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Accept-Encoding': 'br, gzip' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.status).toBe(200);
    expect(oneClick.headers['content-encoding']).toBeUndefined();
    expect(oneClick.body.toString('utf8')).toBe('You are unsubscribed.');

    const head = await rawRequest(`${server.url}/s/demo`, { method: 'HEAD', headers: { 'Accept-Encoding': 'br, gzip' } });
    expect(head.status).toBe(200);
    expect(head.headers['content-encoding']).toBeUndefined();
    expect(head.body.length).toBe(0);
  });

  it('lets the 413 page through whole', async () => {
    const tooLarge = await rawRequest(`${server.url}/s/demo`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Accept-Encoding': 'br', Origin: server.url },
      body: `email=${'a'.repeat(40 * 1024)}`,
    });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.text()).toContain('That was too much to send');
  });
});
