// API keys in the console, for owners: the keys the CLI's `api-key` commands manage, through the
// same functions (domain/api-keys.ts).
import { Hono } from 'hono';
import type { AppContext, AppEnv } from '../../app-env.ts';
import { findSite } from '../../db/sites.ts';
import { createApiKey, listApiKeys, revokeApiKey } from '../../domain/api-keys.ts';
import { siteNames } from '../../domain/site-admin.ts';
import { formatDateTime } from '../../i18n/index.ts';
import { hasControlCharacters } from '../../mail/header-values.ts';
import { KeysPage } from '../../../views/admin/keys-page.tsx';
import { errorPage, formText, notFoundPage, page, readForm } from '../render.tsx';
import { copy, redirect } from './shared.ts';

export const keyPages = new Hono<AppEnv>();

const MAX_LABEL_LENGTH = 100;

keyPages.use('*', async (c, next) => {
  if (c.var.operator.role !== 'owner') return errorPage(c, 403, () => [copy(c).t.keys.ownersOnly, copy(c).t.keys.ownersOnly]);
  return next();
});

keyPages.get('/', async (c) => {
  const revoked = c.req.query('revoked');
  return keysAnswer(c, 200, { notice: revoked ? copy(c).t.keys.revoked(revoked) : null });
});

keyPages.post('/', async (c) => {
  const form = await readForm(c);
  const siteId = formText(form?.site);
  const label = formText(form?.label).trim();
  const { t } = copy(c);
  if ([...label].length > MAX_LABEL_LENGTH || hasControlCharacters(label)) return keysAnswer(c, 400, { error: t.keys.labelInvalid, label });
  if (siteId !== '' && !(await findSite(c.var.deps.db, siteId))) return keysAnswer(c, 400, { error: t.keys.siteUnknown, label });
  const { key } = await createApiKey(c.var.deps, { siteId: siteId || null, label: label || undefined });
  return keysAnswer(c, 201, { created: key });
});

keyPages.post('/:id/revoke', async (c) => {
  const id = c.req.param('id');
  if (!(await revokeApiKey(c.var.deps, id))) return notFoundPage(c);
  return redirect(c, `/admin/keys?lang=${copy(c).lang}&revoked=${encodeURIComponent(id)}`);
});

async function keysAnswer(c: AppContext, status: 200 | 201 | 400, shown: { created?: string; notice?: string | null; error?: string; label?: string }) {
  const copied = copy(c);
  const moment = (iso: string) => formatDateTime(copied.lang, 'UTC', new Date(iso));
  const keys = (await listApiKeys(c.var.deps)).map((key) => ({
    id: key.id,
    site: key.site_id,
    label: key.label,
    created: moment(key.created_at),
    revoked: key.revoked_at ? moment(key.revoked_at) : null,
  }));
  const sites = await siteNames(c.var.deps.db);
  return page(
    c,
    status,
    <KeysPage {...copied} keys={keys} sites={sites} created={shown.created ?? null} notice={shown.notice ?? null} error={shown.error ?? null} label={shown.label ?? ''} />,
  );
}
