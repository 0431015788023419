// The API's one error shape: {"error": {"code", "message", "details"?}}, with the right status.
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';

export const ERROR_STATUS = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  too_many_requests: 429,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorDetail {
  path: string;
  message: string;
}

/** Typed by its code, so each route's declared error answers are checked against its handler. */
export function apiError<C extends ErrorCode>(c: Context, code: C, message: string, details?: ErrorDetail[]) {
  return c.json({ error: { code, message, details } }, ERROR_STATUS[code] as (typeof ERROR_STATUS)[C]);
}

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]),
      message: z.string(),
      details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    }),
  })
  .openapi('Error');

const error = (description: string) => ({ description, content: { 'application/json': { schema: ErrorSchema } } });

/** The error answers every authenticated route can give, for createRoute's `responses`. */
export const ERROR_RESPONSES = {
  400: error('Invalid input; `details` names each bad field'),
  401: error('Missing or wrong API key'),
  403: error('A key made for another site'),
  404: error('No such site or contact (or no API: ADMIN_API_KEY unset)'),
  413: error('The body is over 1 MiB'),
  429: error('Too many requests for this key (RATE_LIMIT_API), or too many failed keys from this address (RATE_LIMIT_API_AUTH); see Retry-After'),
  // Declared without a body schema, which also lets handlers answer with a plain Response.
  500: { description: 'Something failed on our side; nothing was changed' },
} as const;

/** And for routes that read a JSON body: a body sent as anything but application/json is a 415. */
export const JSON_BODY_ERRORS = {
  ...ERROR_RESPONSES,
  415: error('The body is not sent as application/json'),
} as const;
