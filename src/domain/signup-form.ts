// Validation of a signup submission, shared by every signup entry point.
import type { LocalisedCategory } from '../db/sites.ts';
import { normalisePhone } from '../sms/phone.ts';
import { checkEmail } from './email-address.ts';

export const MAX_NAME_LENGTH = 100;

export interface SignupFields {
  email: string;
  name: string;
  /** The categories ticked for email. */
  categories: string[];
  /** The mobile number as typed, and the categories ticked for SMS (forms that offer SMS). */
  phone?: string;
  smsCategories?: string[];
}

export type SignupErrors = Partial<
  Record<
    'email' | 'name' | 'categories' | 'phone',
    | 'phoneMissing'
    | 'phoneInvalid'
    | 'phoneNotMobile'
    | 'phoneTooLong'
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

const PHONE_ERRORS = { empty: 'phoneMissing', invalid: 'phoneInvalid', not_mobile: 'phoneNotMobile', too_long: 'phoneTooLong' } as const;

/**
 * Email boxes need an address and SMS boxes a mobile number (numbers typed without +country
 * code belong to the site's default country); a form with both may be sent with either or both.
 */
export function validateSignup(fields: SignupFields, categories: readonly LocalisedCategory[], defaultCountry: string | null = null): SignupErrors {
  const errors: SignupErrors = {};
  const sms = fields.smsCategories ?? [];
  // An address is needed unless only SMS boxes are ticked and none was typed.
  const smsOnly = sms.length > 0 && fields.categories.length === 0;
  if (!(smsOnly && fields.email.trim() === '')) {
    const email = emailError(fields.email);
    if (email) errors.email = email;
  }
  if (sms.length > 0) {
    const phone = normalisePhone(fields.phone ?? '', defaultCountry);
    if (!phone.ok) errors.phone = PHONE_ERRORS[phone.reason];
  }

  const name = fields.name.trim();
  if (name.length > MAX_NAME_LENGTH) errors.name = 'nameTooLong';
  // Controls and the Unicode line and paragraph separators: a name is one line.
  else if (/[\p{Cc}\p{Zl}\p{Zp}]/u.test(name)) errors.name = 'nameInvalid';

  const offered = (channel: 'email' | 'sms') => new Set(categories.filter((c) => c.kind === 'opt_in' && c.channels.includes(channel)).map((c) => c.key));
  const byEmail = offered('email');
  const bySms = offered('sms');
  if (fields.categories.length === 0 && sms.length === 0) errors.categories = 'categoriesMissing';
  else if (fields.categories.some((key) => !byEmail.has(key)) || sms.some((key) => !bySms.has(key))) errors.categories = 'categoriesUnknown';
  return errors;
}
