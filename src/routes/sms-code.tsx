// /s/{site}/sms/{token}: the page an SMS signup answers with, where the person types the code
// texted to their number (domain/sms-confirm.ts), asks for a new one, and sees what is confirmed.
import { Hono } from 'hono';
import type { AppContext, AppEnv } from '../app-env.ts';
import type { ContactRow, SiteRow } from '../db/schema.ts';
import { findContact } from '../db/contacts.ts';
import { cachedSite } from '../db/site-content-cache.ts';
import { listCategories } from '../db/sites.ts';
import { confirmSmsCode, resendSmsCode } from '../domain/sms-confirm.ts';
import { CODE_TTL_SECONDS } from '../domain/subscribe-sms.ts';
import { formatDuration, messages, resolveLocale, type Locale } from '../i18n/index.ts';
import { maskPhone } from '../sms/phone.ts';
import { SmsCodePage, SmsConfirmedPage } from '../../views/pages/sms-code.tsx';
import { errorPage, evidenceOf, formText, page, readForm, showBrand } from './render.tsx';

export const smsCodeRoutes = new Hono<AppEnv>();

/** The site and contact the token names, or null (a bad, expired or foreign token). */
async function opened(c: AppContext): Promise<{ site: SiteRow; contact: ContactRow; locale: Locale } | null> {
  const verified = await c.var.deps.tokens.verify(c.req.param('token') ?? '', 'sms_code');
  if (!verified.ok || verified.claims.site !== c.req.param('site')) return null;
  const site = await cachedSite(c.var.deps.db, verified.claims.site);
  const contact = site ? await findContact(c.var.deps.db, site.id, verified.claims.subject) : undefined;
  if (!site || !contact || !contact.phone) return null;
  showBrand(c, site);
  // The language the person signed up in (or ?lang=), not the browser's: as on the link pages.
  return { site, contact, locale: resolveLocale(c.req.query('lang'), undefined, contact.locale) };
}

const invalid = (c: AppContext) => errorPage(c, 400, (t) => [t.confirm.invalidTitle, t.confirm.invalidBody]);

async function codePage(c: AppContext, found: NonNullable<Awaited<ReturnType<typeof opened>>>, status: 200 | 400, shown: { error?: string; notice?: string } = {}) {
  const t = messages(found.locale);
  const masked = maskPhone(await c.var.deps.cipher.decrypt(found.contact.phone!));
  return page(
    c,
    status,
    <SmsCodePage
      t={t}
      lang={found.locale}
      masked={masked}
      action={`/s/${found.site.id}/sms/${c.req.param('token')}`}
      query={`?lang=${found.locale}${c.req.query('email') === '1' ? '&email=1' : ''}`}
      alsoEmail={c.req.query('email') === '1'}
      ttl={formatDuration(t, CODE_TTL_SECONDS)}
      error={shown.error ?? null}
      notice={shown.notice ?? null}
    />,
  );
}

smsCodeRoutes.get('/:site/sms/:token', async (c) => {
  const found = await opened(c);
  return found ? codePage(c, found, 200) : invalid(c);
});

smsCodeRoutes.post('/:site/sms/:token', async (c) => {
  const found = await opened(c);
  if (!found) return invalid(c);
  const t = messages(found.locale);
  const outcome = await confirmSmsCode(c.var.deps, found.site, found.contact, formText((await readForm(c))?.code), evidenceOf(c));
  switch (outcome.kind) {
    case 'malformed':
      return codePage(c, found, 400, { error: t.smsCode.malformed });
    case 'wrong':
      return codePage(c, found, 400, { error: t.smsCode.wrong(outcome.triesLeft) });
    case 'spent':
      return codePage(c, found, 400, { error: t.smsCode.spent });
    case 'confirmed': {
      const names = new Map((await listCategories(c.var.deps.db, found.site, found.locale)).map((category) => [category.key, category.name]));
      return page(c, 200, <SmsConfirmedPage t={t} lang={found.locale} siteName={found.site.name} names={outcome.categories.map((key) => names.get(key) ?? key)} />);
    }
  }
});

smsCodeRoutes.post('/:site/sms/:token/resend', async (c) => {
  const found = await opened(c);
  if (!found) return invalid(c);
  await resendSmsCode(c.var.deps, found.site, found.contact);
  // The same answer whether or not the limits let a code go.
  return codePage(c, found, 200, { notice: messages(found.locale).smsCode.resent });
});
