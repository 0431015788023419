// Compresses answers on Node (node:zlib: brotli or gzip, as the client accepts). Workers need
// none of this: Cloudflare compresses at its edge, so only node.ts turns it on.
//
// Not hono/compress, because it gzips bodies of any size unless they carry a Content-Length,
// which Hono never sets on c.html()/c.text() (the 13-byte one-click answer became 33 bytes), and
// its CompressionStream has no brotli on Node 20. Our answers are a few kilobytes built in
// memory, so reading them whole to know their size costs nothing worth saving.
import type { MiddlewareHandler } from 'hono';
import { COMPRESSIBLE_CONTENT_TYPE_REGEX } from 'hono/utils/compress';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { chooseContentCoding, varyOnAcceptEncoding, type ContentCoding } from './content-coding.ts';
import { replaceResponse } from './replace-response.ts';

/** Below this, compression saves a few dozen bytes at best and gzip's framing can make it larger. */
export const COMPRESSION_THRESHOLD = 1024;

// Quality 5: within 15 % of brotli's best on our pages at a twentieth of the time (0.3 ms for
// the 10 KB preference page against 5.6 ms at 11). Static files get 11, once, at start.
const BROTLI_QUALITY = 5;

export function compressResponses(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const res = c.res;
    if (!worthCompressing(c.req.method, res)) return;
    varyOnAcceptEncoding(res.headers);
    const coding = chooseContentCoding(c.req.header('Accept-Encoding'));
    // Reading the body (even asking whether there is one) turns the answer into a full Response.
    if (!coding || !res.body) return;
    const body = new Uint8Array(await res.arrayBuffer());
    const headers = new Headers(res.headers);
    let sent = body;
    if (body.byteLength >= COMPRESSION_THRESHOLD) {
      sent = compress(body, coding);
      headers.delete('Content-Length');
      headers.set('Content-Encoding', coding);
      const etag = headers.get('ETag');
      if (etag && !etag.startsWith('W/')) headers.set('ETag', `W/${etag}`);
    }
    replaceResponse(c, new Response(sent, { status: res.status, statusText: res.statusText, headers }));
  };
}

export function compress(body: Uint8Array, coding: ContentCoding, brotliQuality = BROTLI_QUALITY): Uint8Array<ArrayBuffer> {
  const compressed = coding === 'br'
    ? brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: brotliQuality, [constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength } })
    : gzipSync(body, { level: 9 });
  return new Uint8Array(compressed.buffer as ArrayBuffer, compressed.byteOffset, compressed.byteLength);
}

function worthCompressing(method: string, res: Response): boolean {
  if (method === 'HEAD' || res.status === 204 || res.status === 206 || res.status === 304) return false;
  if (res.headers.has('Content-Encoding')) return false;
  if (/(?:^|,)\s*no-transform\s*(?:,|$)/i.test(res.headers.get('Cache-Control') ?? '')) return false;
  return COMPRESSIBLE_CONTENT_TYPE_REGEX.test(res.headers.get('Content-Type') ?? '');
}
