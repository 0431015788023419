// The people who work in the console: created from the command line with a one-time setup link
// (24 hours) where they choose a password; disabled or reset (a new link) from there too.
// Addresses are personal data: encrypted, found by an HMAC of their own (not a contact's hash).
import type { OperatorRole, OperatorRow } from '../db/schema.ts';
import { findSite } from '../db/sites.ts';
import type { Deps } from '../deps.ts';
import { toBase64Url } from './base64url.ts';
import { checkEmail, normaliseEmail } from './email-address.ts';
import { hmacSha256Hex, sha256Hex } from './ids.ts';
import { hashPassword, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from './password.ts';

export const ROLES: readonly OperatorRole[] = ['owner', 'editor', 'viewer'];
export const SETUP_LINK_SECONDS = 24 * 3600;

/**
 * Something the operator command cannot do, said so a person can fix it, naming the field when
 * one is at fault (the CLI shows it as --field, the API as the detail's path).
 */
export class OperatorError extends Error {
  constructor(
    message: string,
    readonly field: 'email' | 'role' | 'site' | null = null,
    /** The address is an operator already. */
    readonly taken = false,
  ) {
    super(message);
  }
}

type OperatorDeps = Pick<Deps, 'db' | 'cipher' | 'clock' | 'config' | 'newId'>;

export function operatorEmailHash(lookupKey: string, email: string): Promise<string> {
  return hmacSha256Hex(lookupKey, `operator:${normaliseEmail(email)}`);
}

export function findOperatorByEmail(deps: Pick<Deps, 'db' | 'config'>, email: string): Promise<OperatorRow | undefined> {
  return operatorEmailHash(deps.config.lookupKey, email).then((hash) =>
    deps.db.selectFrom('operators').selectAll().where('email_hash', '=', hash).executeTakeFirst(),
  );
}

export function findOperator(deps: Pick<Deps, 'db'>, id: string): Promise<OperatorRow | undefined> {
  return deps.db.selectFrom('operators').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface NewOperator {
  email: string;
  role: string;
  /** undefined: every site (an owner always). */
  siteId?: string;
}

/** Creates an operator; returns the setup link to hand them (it is shown once, never stored). */
export async function createOperator(deps: OperatorDeps, input: NewOperator): Promise<{ operator: OperatorRow; setupUrl: string }> {
  const email = input.email.trim();
  const problem = checkEmail(email);
  if (problem) throw new OperatorError(problem === 'missing' ? 'is required' : `"${email}" is not an email address`, 'email');
  if (!ROLES.includes(input.role as OperatorRole)) throw new OperatorError(`must be owner, editor or viewer, got "${input.role}"`, 'role');
  const role = input.role as OperatorRole;
  if (role === 'owner' && input.siteId !== undefined) throw new OperatorError('an owner works on every site; leave it out', 'site');
  if (input.siteId !== undefined && !(await findSite(deps.db, input.siteId))) throw new OperatorError(`no site "${input.siteId}"`, 'site');
  const hash = await operatorEmailHash(deps.config.lookupKey, email);
  const now = deps.clock.now().toISOString();
  const setup = await newSetupToken(deps);
  const operator: OperatorRow = {
    id: deps.newId(),
    email: await deps.cipher.encrypt(email),
    email_hash: hash,
    role,
    site_id: input.siteId ?? null,
    password_hash: null,
    setup_token_sha256: setup.sha256,
    setup_expires_at: setup.expiresAt,
    disabled_at: null,
    created_at: now,
    updated_at: now,
  };
  const inserted = await deps.db.insertInto('operators').values(operator).onConflict((oc) => oc.column('email_hash').doNothing()).executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) throw new OperatorError(`${email} is already an operator (operator reset gives a new setup link)`, 'email', true);
  return { operator, setupUrl: setup.url };
}

/** A new setup link for an operator who forgot their password: the old one and every session end. */
export async function resetOperator(deps: OperatorDeps, email: string): Promise<string> {
  const operator = await findOperatorByEmail(deps, email);
  if (!operator) throw new OperatorError(`no operator with the address ${email}`);
  return resetOperatorById(deps, operator.id);
}

export async function resetOperatorById(deps: OperatorDeps, id: string): Promise<string> {
  const setup = await newSetupToken(deps);
  await deps.db
    .updateTable('operators')
    .set({ password_hash: null, setup_token_sha256: setup.sha256, setup_expires_at: setup.expiresAt, disabled_at: null, updated_at: deps.clock.now().toISOString() })
    .where('id', '=', id)
    .execute();
  await endSessionsOf(deps, id);
  return setup.url;
}

export async function disableOperator(deps: OperatorDeps, email: string): Promise<void> {
  const operator = await findOperatorByEmail(deps, email);
  if (!operator) throw new OperatorError(`no operator with the address ${email}`);
  await disableOperatorById(deps, operator.id);
}

export async function disableOperatorById(deps: OperatorDeps, id: string): Promise<void> {
  const now = deps.clock.now().toISOString();
  await deps.db.updateTable('operators').set({ disabled_at: now, setup_token_sha256: null, setup_expires_at: null, updated_at: now }).where('id', '=', id).execute();
  await endSessionsOf(deps, id);
}

export interface OperatorListing {
  id: string;
  email: string;
  role: OperatorRole;
  site: string | null;
  state: 'active' | 'setup pending' | 'disabled';
}

export async function listOperators(deps: OperatorDeps): Promise<OperatorListing[]> {
  const rows = await deps.db.selectFrom('operators').selectAll().orderBy('created_at').orderBy('id').execute();
  return Promise.all(
    rows.map(async (row) => ({
      id: row.id,
      email: await deps.cipher.decrypt(row.email),
      role: row.role,
      site: row.site_id,
      state: row.disabled_at ? 'disabled' : row.password_hash ? 'active' : 'setup pending',
    })),
  );
}

/** The operator a setup link is for, while it is unused and unexpired. */
export async function operatorForSetup(deps: Pick<Deps, 'db' | 'clock'>, token: string): Promise<OperatorRow | undefined> {
  return deps.db
    .selectFrom('operators')
    .selectAll()
    .where('setup_token_sha256', '=', await sha256Hex(token))
    .where('setup_expires_at', '>', deps.clock.now().toISOString())
    .where('disabled_at', 'is', null)
    .executeTakeFirst();
}

export type PasswordProblem = 'too_short' | 'too_long' | 'mismatch';

export function checkNewPassword(password: string, repeated: string): PasswordProblem | null {
  if ([...password].length < MIN_PASSWORD_LENGTH) return 'too_short';
  if ([...password].length > MAX_PASSWORD_LENGTH) return 'too_long';
  return password === repeated ? null : 'mismatch';
}

/** Sets the password through a setup link, once: the link is spent by the same statement. */
export async function completeSetup(deps: Pick<Deps, 'db' | 'clock'>, token: string, password: string): Promise<OperatorRow | null> {
  const operator = await operatorForSetup(deps, token);
  if (!operator) return null;
  const now = deps.clock.now().toISOString();
  const updated = await deps.db
    .updateTable('operators')
    .set({ password_hash: await hashPassword(password), setup_token_sha256: null, setup_expires_at: null, updated_at: now })
    .where('id', '=', operator.id)
    .where('setup_token_sha256', '=', operator.setup_token_sha256)
    .where('disabled_at', 'is', null)
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1 ? operator : null;
}

async function newSetupToken(deps: Pick<Deps, 'clock' | 'config'>) {
  const token = toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
  return {
    url: `${deps.config.baseUrl.replace(/\/+$/, '')}/admin/setup/${token}`,
    sha256: await sha256Hex(token),
    expiresAt: new Date(deps.clock.now().getTime() + SETUP_LINK_SECONDS * 1000).toISOString(),
  };
}

export async function endSessionsOf(deps: Pick<Deps, 'db'>, operatorId: string): Promise<void> {
  await deps.db.deleteFrom('operator_sessions').where('operator_id', '=', operatorId).execute();
}
