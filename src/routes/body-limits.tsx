// Request bodies: a form is a few hundred bytes and the API a few kilobytes, so nobody needs to
// send us megabytes (413). The console's two uploads (a site's logo, a CSV to import) get more. A body that breaks off mid-stream (a client gone, a proxy reset) is
// a 400, not a server error.
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv } from '../app-env.ts';
import { apiError } from './api/errors.ts';
import { errorPage } from './render.tsx';

export const FORM_BODY_LIMIT = 32 * 1024;
export const API_BODY_LIMIT = 1024 * 1024;
/** A CSV of MAX_IMPORT_ITEMS rows with their wording, or a logo of 100 KB, with room to spare. */
export const UPLOAD_BODY_LIMIT = 2 * 1024 * 1024;

export function formBodyLimit(maxSize = FORM_BODY_LIMIT): MiddlewareHandler<AppEnv> {
  const limit = bodyLimit({
    maxSize,
    onError: (c) => closing(errorPage(c, 413, (t) => [t.errors.tooLargeTitle, maxSize > FORM_BODY_LIMIT ? t.errors.tooLargeUploadBody : t.errors.tooLargeBody])),
  });
  return readingSafely(limit, (c) => errorPage(c, 400, (t) => [t.errors.badRequestTitle, t.errors.badRequestBody]));
}

export function apiBodyLimit(): MiddlewareHandler<AppEnv> {
  const limit = bodyLimit({
    maxSize: API_BODY_LIMIT,
    onError: (c) => closing(apiError(c, 'payload_too_large', `The body is over ${API_BODY_LIMIT / 1024} KiB.`)),
  });
  return readingSafely(limit, (c) => apiError(c, 'invalid_request', 'The request body could not be read to its end.'));
}

/**
 * After a 413 the rest of the body is still on its way, and a connection kept alive would read
 * it as the next request: answer, then close (Node closes a socket whose answer says so).
 */
async function closing(answer: Response | Promise<Response>): Promise<Response> {
  const response = await answer;
  response.headers.set('Connection', 'close');
  return response;
}

/**
 * bodyLimit reads a body without Content-Length to count it, and a failed read throws. Errors
 * of the handlers after it never reach this catch: Hono hands them to onError inside next().
 */
function readingSafely(
  limit: MiddlewareHandler<AppEnv>,
  unreadable: (c: Context<AppEnv>) => Response | Promise<Response>,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    // GET and HEAD carry no body; asking for one would build the whole Request for nothing.
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    try {
      return await limit(c, next);
    } catch {
      return unreadable(c);
    }
  };
}
