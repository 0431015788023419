// Copies third-party browser files from node_modules into static/vendor (git-ignored), so the
// served htmx is always the installed version and never a committed copy.
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const htmx = require.resolve('htmx.org/dist/htmx.min.js');
mkdirSync(join(root, 'static/vendor'), { recursive: true });
copyFileSync(htmx, join(root, 'static/vendor/htmx.min.js'));
