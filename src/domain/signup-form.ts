// Validation of a signup submission, shared by every signup entry point.
import type { LocalisedCategory } from '../db/sites.ts';
import { checkEmail } from './email-address.ts';

export const MAX_NAME_LENGTH = 100;

export interface SignupFields {
  email: string;
  name: string;
  categories: string[];
}

export type SignupErrors = Partial<
  Record<
    'email' | 'name' | 'categories',
    | 'emailMissing'
    | 'emailInvalid'
    | 'emailTooLong'
    | 'nameTooLong'
    | 'nameInvalid'
    | 'categoriesMissing'
    | 'categoriesUnknown'
  >
>;

const EMAIL_ERRORS = { missing: 'emailMissing', invalid: 'emailInvalid', too_long: 'emailTooLong' } as const;

/** What is wrong with a typed address, as a message key of the signup form; undefined: nothing. */
export function emailError(typed: string): SignupErrors['email'] {
  const problem = checkEmail(typed);
  return problem ? EMAIL_ERRORS[problem] : undefined;
}

export function validateSignup(fields: SignupFields, categories: readonly LocalisedCategory[]): SignupErrors {
  const errors: SignupErrors = {};
  const email = emailError(fields.email);
  if (email) errors.email = email;

  const name = fields.name.trim();
  if (name.length > MAX_NAME_LENGTH) errors.name = 'nameTooLong';
  // Controls and the Unicode line and paragraph separators: a name is one line.
  else if (/[\p{Cc}\p{Zl}\p{Zp}]/u.test(name)) errors.name = 'nameInvalid';

  const optIn = new Set(categories.filter((c) => c.kind === 'opt_in').map((c) => c.key));
  if (fields.categories.length === 0) errors.categories = 'categoriesMissing';
  else if (fields.categories.some((key) => !optIn.has(key))) errors.categories = 'categoriesUnknown';
  return errors;
}
