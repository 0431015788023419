// Builds what `npm start` runs: src/node.ts and src/cli.ts bundled by esbuild into plain
// JavaScript, dist/node/server.js and dist/node/cli.js (git-ignored), and htmx copied into
// static/vendor. Plain JavaScript itself, so `node` runs it before anything is built.
//   node scripts/build-node.mjs   (npm run build; prestart, precli)
//
// Only our own code goes into the bundles: every package stays an import resolved from
// node_modules at run time (better-sqlite3 loads a native binding; hono, kysely, jose, zod and
// resend are large and already JavaScript), which keeps the files small and their stack traces
// pointing at code one can read. JSX compiles as tsconfig.json says (jsxImportSource hono/jsx).
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
  packages: 'external',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  tsconfig: 'tsconfig.json',
  sourcemap: 'linked',
  // A server started while a build runs must never load half a file: written here, then renamed.
  write: false,
  banner: { js: '// Built by scripts/build-node.mjs from src/: edit those files, then npm run build.' },
  logLevel: 'warning',
}).catch(() => {
  // esbuild has already printed each error with its file and line: its stack adds nothing.
  console.error('The build failed (see above); dist/node/ still holds the previous build, if any.');
  process.exit(1);
});
mkdirSync(OUT_DIR, { recursive: true });
for (const file of result.outputFiles) {
  const partial = `${file.path}.${process.pid}.tmp`;
  writeFileSync(partial, file.contents);
  renameSync(partial, file.path);
}
const sizes = result.outputFiles
  .filter((file) => file.path.endsWith('.js'))
  .map((file) => `${relative(root, file.path)} ${Math.round(file.contents.byteLength / 1024)} KB`);
// On stderr: what `npm run cli -- ...` prints on stdout stays the command's own answer.
console.error(`Built ${sizes.join(', ')} in ${Math.round(performance.now() - started)} ms.`);
