// What the API answers when a request fails its schema: 400 with one detail per bad field.
import type { Hook } from '@hono/zod-openapi';
import type { AppEnv } from '../../app-env.ts';
import { apiError } from './errors.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const validationHook: Hook<any, AppEnv, any, any> = (result, c) => {
  if (result.success) return;
  const details = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || `(${result.target})`,
    message: issue.message,
  }));
  return apiError(c, 'invalid_request', `The request ${result.target} is not valid; see details.`, details);
};
