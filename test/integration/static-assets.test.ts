// Static files on the real server: pages link them by content-hashed names, which are cached for
// a year and revalidate with a 304, so a repeat visit downloads neither CSS nor htmx again.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from '../helpers/raw-http.ts';
import { PROJECT_ROOT, removeTempDirs, startServer, type ServerProcess } from '../helpers/server-process.ts';

let server: ServerProcess;

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server?.stop();
  removeTempDirs();
});

/** The name a file must be linked by: its first 10 hex digits of SHA-256 before the extension. */
function expectedName(file: string, ext: string): string {
  const hash = createHash('sha256').update(readFileSync(join(PROJECT_ROOT, 'static', file))).digest('hex').slice(0, 10);
  return `/static/${file.slice(0, -ext.length)}.${hash}${ext}`;
}

describe('static files on the real server', () => {
  it('the signup page links its stylesheet and favicon by the hash of their contents', async () => {
    const html = await (await server.fetch('/s/demo')).text();
    const href = (rel: string) => new RegExp(`<link rel="${rel}" href="([^"]+)"`).exec(html)?.[1] ?? '';
    expect(new URL(href('stylesheet'), server.url).pathname).toBe(expectedName('app.css', '.css'));
    expect(new URL(href('icon'), server.url).pathname).toBe(expectedName('favicon.svg', '.svg'));
  });

  it('serves a hashed name for a year, immutable, with an ETag and a 304 on revalidation', async () => {
    for (const [file, ext, type] of [
      ['app.css', '.css', 'text/css'],
      ['vendor/htmx.min.js', '.js', 'text/javascript'],
      ['favicon.svg', '.svg', 'image/svg+xml'],
    ] as const) {
      const url = server.url + expectedName(file, ext);
      const first = await rawRequest(url, { headers: { 'Accept-Encoding': 'br, gzip' } });
      expect(first.status, url).toBe(200);
      expect(first.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(first.headers['content-type']).toContain(type);
      expect(first.text()).toBe(readFileSync(join(PROJECT_ROOT, 'static', file), 'utf8'));
      const etag = first.headers.etag!;
      expect(etag).toMatch(/^W\/"[0-9a-f]+"$/);
      const again = await rawRequest(url, { headers: { 'If-None-Match': etag, 'Accept-Encoding': 'br, gzip' } });
      expect(again.status).toBe(304);
      expect(again.body.length).toBe(0);
      expect(again.headers.etag).toBe(etag);
    }
  });

  it('sends htmx (52 KB) in brotli or gzip, made once at start', async () => {
    const url = server.url + expectedName('vendor/htmx.min.js', '.js');
    const br = await rawRequest(url, { headers: { 'Accept-Encoding': 'gzip, br' } });
    const gzip = await rawRequest(url, { headers: { 'Accept-Encoding': 'gzip' } });
    expect(br.headers['content-encoding']).toBe('br');
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(Number(br.headers['content-length'])).toBe(br.body.length);
    expect(br.body.length).toBeLessThan(17 * 1024);
    expect(gzip.body.length).toBeLessThan(18 * 1024);
  });

  it('still answers the plain names and /favicon.ico, with a short cache', async () => {
    for (const path of ['/static/app.css', '/favicon.ico']) {
      const answer = await rawRequest(server.url + path);
      expect(answer.status, path).toBe(200);
      expect(answer.headers['cache-control']).toBe('public, max-age=300');
      expect(answer.headers.etag).toBeTruthy();
    }
    expect((await rawRequest(`${server.url}/favicon.ico`)).headers['content-type']).toContain('image/svg+xml');
    expect((await rawRequest(`${server.url}/static/app.0000000000.css`)).status).toBe(404);
  });
});
