import type { Context } from 'hono';

/**
 * Puts a new answer in place of the one a middleware got back. Assigned over it, Hono would copy
 * the old headers onto the new one and rebuild it around its body's stream, which the runtime
 * then has to read in chunks; a new answer with a byte body is written out at once.
 */
export function replaceResponse(c: Context, res: Response): void {
  c.res = undefined;
  c.res = res;
}
