// Builds what `npm start` runs: src/node.ts and src/cli.ts bundled by esbuild into plain
// JavaScript, dist/node/server.js and dist/node/cli.js (git-ignored), and htmx copied into
// static/vendor. Plain JavaScript itself, so `node` runs it before anything is built.
//   node scripts/build-node.mjs   (npm run build; prestart, precli)
//
// Everything but better-sqlite3 (a native binding, loaded from node_modules) goes into the
// bundles, tree-shaken and minified but for names, with source maps beside them: V8 then parses
// and keeps a fraction of the code it would load from node_modules (hono, kysely, jose, zod with
// all their own imports), and that is most of what a process holds before its first request
// (measured: 104 MB idle with packages external, 84 MB bundled like this). Names are kept so
// that a stack trace still names its functions; NODE_OPTIONS=--enable-source-maps gives src/
// files and lines. Modules only some processes need (the Resend SDK) are chunks loaded on first
// use. JSX compiles as tsconfig.json says (jsxImportSource hono/jsx).
// esbuild strips types without checking them: `npm run typecheck` (part of npm test) does that.
import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT_DIR = join(root, 'dist', 'node');

execFileSync(process.execPath, [join(root, 'scripts', 'copy-vendor.mjs')]);

const started = performance.now();
const result = await build({
  absWorkingDir: root,
  entryPoints: { server: 'src/node.ts', cli: 'src/cli.ts' },
  outdir: OUT_DIR,
  bundle: true,
  external: ['better-sqlite3'],
  minifyWhitespace: true,
  minifySyntax: true,
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  tsconfig: 'tsconfig.json',
  sourcemap: 'linked',
  // A server started while a build runs must never load half a file: written here, then renamed.
  write: false,
  banner: {
    // The bundled CommonJS packages call require() for Node's own modules.
    js: "// Built by scripts/build-node.mjs from src/: edit those files, then npm run build.\nimport { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  logLevel: 'warning',
}).catch(() => {
  // esbuild has already printed each error with its file and line: its stack adds nothing.
  console.error('The build failed (see above); dist/node/ still holds the previous build, if any.');
  process.exit(1);
});
// Chunks first (their names carry their content's hash, so a running server's own stay put),
// then the entry files that import them.
const chunksFirst = [...result.outputFiles].sort((a, b) => Number(b.path.includes('/chunks/')) - Number(a.path.includes('/chunks/')));
for (const file of chunksFirst) {
  mkdirSync(dirname(file.path), { recursive: true });
  const partial = `${file.path}.${process.pid}.tmp`;
  writeFileSync(partial, file.contents);
  renameSync(partial, file.path);
}
const sizes = result.outputFiles
  .filter((file) => file.path.endsWith('.js'))
  .map((file) => `${relative(root, file.path)} ${Math.round(file.contents.byteLength / 1024)} KB`);
// On stderr: what `npm run cli -- ...` prints on stdout stays the command's own answer.
console.error(`Built ${sizes.join(', ')} in ${Math.round(performance.now() - started)} ms.`);
