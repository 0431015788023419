// The requests of each measured path, as a visitor, a mailbox provider or a send pipeline makes
// them, for the Node server and the Worker alike.
import type { Target } from './drive.ts';

/** The signup page: the same for every visitor of a site and language. */
export const signupPage = (): Target => ({ method: 'GET', next: () => ({ path: '/s/demo' }), status: 200 });

/**
 * The signup form posted as a browser posts it (every hidden field the page carries, our
 * Origin), each request with a new address, so each one creates a contact and queues a mail.
 */
export async function signupForm(base: string, runTag: string): Promise<Target> {
  const html = await (await fetch(`${base}/s/demo`)).text();
  const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '';
  const consent = field('consent');
  if (!consent) throw new Error(`GET ${base}/s/demo carries no consent hash`);
  const fixed = new URLSearchParams({ name: '', lang: 'en', consent, form: field('form') });
  fixed.append('categories', 'newsletter');
  fixed.append('categories', 'offers');
  let n = 0;
  return {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Origin: new URL(base).origin,
      'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64) AssentBench/1.0',
    },
    next: () => ({ path: '/s/demo', body: `email=${encodeURIComponent(`new-${runTag}-${n++}@example.com`)}&${fixed}` }),
    status: 200,
  };
}

/** Preference pages of distinct contacts, round and round (GET changes nothing). */
export function managePage(paths: readonly string[]): Target {
  let n = 0;
  return { method: 'GET', next: () => ({ path: paths[n++ % paths.length]! }), status: 200 };
}

/**
 * RFC 8058 one-click, as a mailbox provider sends it: each request a different contact with
 * something to withdraw, so that each one really writes. Runs out after the last contact.
 */
export function oneClick(paths: readonly string[], limit = paths.length): Target {
  let n = 0;
  return {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'User-Agent': 'Mozilla/5.0 (compatible; GoogleImageProxy)' },
    next: () => ({ path: paths[n++ % paths.length]!, body: 'List-Unsubscribe=One-Click' }),
    limit: Math.min(limit, paths.length),
    status: 200,
  };
}

/** The bare limits: what the same client gets from the stack alone, with the bodies of the paths they bound. */
export const limitTargets = {
  read: (): Target => ({ method: 'GET', next: () => ({ path: '/' }), status: 200 }),
  write: (): Target => ({
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    next: () => ({ path: '/', body: 'List-Unsubscribe=One-Click' }),
    status: 200,
  }),
  form: (): Target => {
    let n = 0;
    const rest = `name=&lang=en&consent=${'0'.repeat(64)}&form=${'0'.repeat(64)}&categories=newsletter&categories=offers`;
    return {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      next: () => ({ path: '/', body: `email=${encodeURIComponent(`new-limit-${n++}@example.com`)}&${rest}` }),
      status: 200,
    };
  },
};
