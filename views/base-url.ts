// Links in pages are root-relative, under BASE_URL's path prefix (/consent for
// https://x.example/consent, behind a proxy that forwards the prefix): the browser resolves them
// against the host it actually opened, so a page reached at 127.0.0.1 while BASE_URL names
// localhost still loads its stylesheet and posts its forms to itself. Emails, which have no page
// to resolve against, get absolute URLs from their props instead.
import { createContext, useContext } from 'hono/jsx';

/** BASE_URL's path without a trailing slash: "" or "/consent". */
export const BasePath = createContext('');

export function useHref(path: string): string {
  return useContext(BasePath) + path;
}
