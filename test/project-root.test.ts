import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR } from '../src/db/migrate.ts';
import { findProjectRoot, PROJECT_ROOT } from '../src/project-root.ts';

const dir = mkdtempSync(join(tmpdir(), 'assent-root-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the project root', () => {
  it('is the nearest folder above with a package.json, however deep the file sits', () => {
    writeFileSync(join(dir, 'package.json'), '{}');
    const deep = join(dir, 'dist', 'node');
    mkdirSync(deep, { recursive: true });
    expect(findProjectRoot(deep)).toBe(dir);
    expect(findProjectRoot(dir)).toBe(dir);
  });

  it('is this checkout when run from the sources, and holds the migrations', () => {
    expect(PROJECT_ROOT).toBe(fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, ''));
    expect(MIGRATIONS_DIR).toBe(join(PROJECT_ROOT, 'migrations'));
  });
});
