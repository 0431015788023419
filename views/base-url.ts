// Every link a page prints is built from BASE_URL, so the service works behind a proxy that
// serves it under a path prefix. Routes pass root-relative paths; views turn them into links.
import { createContext, useContext } from 'hono/jsx';

export const BaseUrl = createContext('');

export function useHref(path: string): string {
  return useContext(BaseUrl) + path;
}
