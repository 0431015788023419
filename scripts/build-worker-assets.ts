// Builds the Worker's static files into dist/worker-assets (git-ignored), for the assets
// binding: every file of static/ under its plain name and under the same content-hashed name
// Node serves, a manifest of those names the Worker reads at start, /favicon.ico, and a
// _headers file: hashed names cached a year (immutable), the others five minutes.
//   tsx scripts/build-worker-assets.ts   (npm run dev:worker and the deploy run it)
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadStaticAssets } from '../src/http/load-static-assets.ts';
import { assetUrls, IMMUTABLE, SHORT_CACHE } from '../src/http/static-assets.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'worker-assets');

execFileSync(process.execPath, [join(root, 'scripts', 'copy-vendor.mjs')]);
const assets = loadStaticAssets(join(root, 'static'));
rmSync(out, { recursive: true, force: true });
const write = (path: string, body: Uint8Array | string) => {
  const file = join(out, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, body);
};
const headers: string[] = [];
for (const asset of assets) {
  write(asset.path, asset.body);
  write(asset.url, asset.body);
  headers.push(asset.url, `  Cache-Control: ${IMMUTABLE}`, asset.path, `  Cache-Control: ${SHORT_CACHE}`);
}
const favicon = assets.find((asset) => asset.path === '/static/favicon.svg');
if (favicon) {
  write('/favicon.ico', favicon.body);
  headers.push('/favicon.ico', `  Cache-Control: ${SHORT_CACHE}`, '  Content-Type: image/svg+xml');
}
write('/asset-manifest.json', JSON.stringify(assetUrls(assets), null, 2));
headers.push('/asset-manifest.json', '  Cache-Control: no-cache');
write('/_headers', headers.join('\n') + '\n');
console.log(`Built ${assets.length} static files into ${out}`);
