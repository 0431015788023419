// Which content coding a client takes, from its Accept-Encoding. Runtime-neutral: the Node
// compressor and the static assets (precompressed at start) both ask it.
import { parseAccept } from 'hono/utils/accept';

export type ContentCoding = 'br' | 'gzip';

/** Brotli first on a tie: it makes our pages and htmx 10-25 % smaller than gzip does. */
const PREFERENCE: readonly ContentCoding[] = ['br', 'gzip'];

/** The coding with the highest q the client allows; null: send the body as it is. */
export function chooseContentCoding(acceptEncoding: string | undefined, offered: readonly ContentCoding[] = PREFERENCE): ContentCoding | null {
  if (!acceptEncoding) return null;
  const accepts = parseAccept(acceptEncoding);
  const wildcard = accepts.find((entry) => entry.type === '*')?.q ?? 0;
  let best: { coding: ContentCoding; q: number } | null = null;
  for (const coding of PREFERENCE) {
    if (!offered.includes(coding)) continue;
    const q = accepts.find((entry) => entry.type.toLowerCase() === coding)?.q ?? wildcard;
    if (q > 0 && (!best || q > best.q)) best = { coding, q };
  }
  return best?.coding ?? null;
}

/** Marks an answer as depending on Accept-Encoding, once. */
export function varyOnAcceptEncoding(headers: Headers): void {
  const vary = headers.get('Vary');
  if (vary === '*' || (vary && /(?:^|,)\s*accept-encoding\s*(?:,|$)/i.test(vary))) return;
  headers.set('Vary', vary ? `${vary}, Accept-Encoding` : 'Accept-Encoding');
}
