// Node only: the folder that holds package.json, migrations/ and static/. Found by walking up
// from this module's own file, because that file is src/project-root.ts under tsx and the
// bundle dist/node/server.js (or cli.js) after `npm run build`: a path written relative to one
// of them is wrong for the other, while the nearest package.json above either is the project's.
// Not the working directory: systemd, cron and a shell elsewhere each start in a different one.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The nearest folder at or above `start` that holds a package.json; throws if there is none. */
export function findProjectRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json in ${start} or any folder above it`);
  }
}

export const PROJECT_ROOT = findProjectRoot(dirname(fileURLToPath(import.meta.url)));
