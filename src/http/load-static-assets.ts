// Node: reads static/ at start, names each file by a hash of its contents and compresses it
// once (brotli at its best quality, gzip at 9). At start rather than in `npm run build`, because
// the test servers run src/node.ts without a build: a manifest written by a script would go
// stale the moment app.css changes, while a hash of the file being served cannot. Workers'
// assets are uploaded files, so there the same naming runs before the upload.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { getMimeType } from 'hono/utils/mime';
import { COMPRESSIBLE_CONTENT_TYPE_REGEX } from 'hono/utils/compress';
import { compress, COMPRESSION_THRESHOLD } from './compression.ts';
import { hashedName, type StaticAsset } from './static-assets.ts';
import type { ContentCoding } from './content-coding.ts';

/** 40 bits of SHA-256: a few static files never collide, and URLs stay short. */
const HASH_LENGTH = 10;

/** Every file under `dir`, served under `urlPrefix` (e.g. "/static"). */
export function loadStaticAssets(dir: string, urlPrefix = '/static'): StaticAsset[] {
  return filesUnder(dir).map((file) => {
    const body = new Uint8Array(readFileSync(file));
    const hash = createHash('sha256').update(body).digest('hex');
    const path = `${urlPrefix}/${relative(dir, file).split(sep).join('/')}`;
    const contentType = getMimeType(file) ?? 'application/octet-stream';
    return {
      path,
      url: hashedName(path, hash.slice(0, HASH_LENGTH)),
      contentType,
      etag: `W/"${hash.slice(0, 32)}"`,
      body,
      encoded: COMPRESSIBLE_CONTENT_TYPE_REGEX.test(contentType) && body.byteLength >= COMPRESSION_THRESHOLD ? precompressed(body) : {},
    };
  });
}

function precompressed(body: Uint8Array): StaticAsset['encoded'] {
  const encoded: StaticAsset['encoded'] = {};
  for (const coding of ['br', 'gzip'] as ContentCoding[]) {
    const smaller = compress(body, coding, 11);
    if (smaller.byteLength < body.byteLength) encoded[coding] = smaller;
  }
  return encoded;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && !entry.name.startsWith('.'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}
