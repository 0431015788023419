// Confirmation links. GET (and HEAD) only show; the button's POST confirms; an expired link
// offers a fresh one sent to the stored address.
import { Hono } from 'hono';
import type { AppContext, AppEnv } from '../app-env.ts';
import { listCategories } from '../db/sites.ts';
import {
  confirm,
  grantedOf,
  loadConfirmation,
  resendConfirmation,
  type ConfirmationContext,
} from '../domain/confirm.ts';
import { formatDuration, messages, resolveLocale } from '../i18n/index.ts';
import { ConfirmedPage, ConfirmPage, ExpiredPage } from '../../views/pages/confirm.tsx';
import { MessagePage } from '../../views/pages/message.tsx';
import { errorPage, evidenceOf, page, showBrand } from './render.tsx';

export const confirmRoutes = new Hono<AppEnv>();

confirmRoutes.get('/:token', async (c) => {
  const loaded = await loadConfirmation(c.var.deps, c.req.param('token'));
  if (loaded.status === 'invalid') return invalidLink(c);
  if (loaded.status === 'expired') return expiredLink(c, loaded.context);
  if (loaded.status === 'spent') return confirmedPage(c, loaded.context);
  const { t, locale, names } = await describe(c, loaded.context);
  return page(
    c,
    200,
    <ConfirmPage
      t={t}
      lang={locale}
      siteName={loaded.context.site.name}
      categoryNames={loaded.context.categories.map(names)}
      action={`/c/${c.req.param('token')}`}
    />,
  );
});

confirmRoutes.post('/:token', async (c) => {
  const loaded = await loadConfirmation(c.var.deps, c.req.param('token'));
  if (loaded.status === 'invalid') return invalidLink(c);
  if (loaded.status === 'expired') return expiredLink(c, loaded.context);
  if (loaded.status === 'open') {
    await confirm(c.var.deps, loaded.context, evidenceOf(c));
  }
  return confirmedPage(c, loaded.context);
});

confirmRoutes.post('/:token/resend', async (c) => {
  const loaded = await loadConfirmation(c.var.deps, c.req.param('token'));
  if (loaded.status === 'invalid') return invalidLink(c);
  await resendConfirmation(c.var.deps, loaded.context);
  const { t, locale } = await describe(c, loaded.context);
  return page(c, 200, <MessagePage lang={locale} title={t.confirm.resentTitle} paragraphs={[t.confirm.resentBody]} />);
});

/** The contact's language (unless ?lang= says otherwise) and category names in it. */
async function describe(c: AppContext, context: ConfirmationContext) {
  const locale = resolveLocale(c.req.query('lang'), undefined, context.contact.locale);
  showBrand(c, context.site);
  const categories = await listCategories(c.var.deps.db, context.site, locale);
  const byKey = new Map(categories.map((category) => [category.key, category.name]));
  return { t: messages(locale), locale, names: (key: string) => byKey.get(key) ?? key };
}

async function confirmedPage(c: AppContext, context: ConfirmationContext) {
  const { t, locale, names } = await describe(c, context);
  const granted = await grantedOf(c.var.deps, context);
  return page(
    c,
    200,
    <ConfirmedPage t={t} lang={locale} siteName={context.site.name} categoryNames={granted.map(names)} />,
  );
}

async function expiredLink(c: AppContext, context: ConfirmationContext) {
  const { t, locale } = await describe(c, context);
  const ttl = formatDuration(t, c.var.deps.config.confirmTtlSeconds);
  return page(c, 410, <ExpiredPage t={t} lang={locale} ttl={ttl} resendAction={`/c/${c.req.param('token')}/resend`} />);
}

function invalidLink(c: AppContext) {
  return errorPage(c, 400, (t) => [t.confirm.invalidTitle, t.confirm.invalidBody]);
}
