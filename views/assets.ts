// Static files travel under content-hashed names, cached for a year: a changed file is a new
// name. Views ask for a file by its plain name; the runtime hands in the map (no map, as in the
// route tests: the plain name, which is served too).
import { createContext, useContext } from 'hono/jsx';
import type { AssetUrls } from '../src/http/static-assets.ts';
import { useHref } from './base-url.ts';

export const Assets = createContext<AssetUrls>({});

export function useAsset(path: string): string {
  return useHref(useContext(Assets)[path] ?? path);
}
