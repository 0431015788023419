// The console's embed page of a site: the snippets the operator API's GET .../embed gives.
import { Hono } from 'hono';
import type { AppEnv } from '../../app-env.ts';
import { allowedOrigins } from '../../domain/site-origins.ts';
import { isLocale, LOCALES, messages } from '../../i18n/index.ts';
import { EmbedPage } from '../../../views/admin/embed-page.tsx';
import { embedSnippets } from '../embed-snippets.ts';
import { notFoundPage, page } from '../render.tsx';
import { copy, siteFor } from './shared.ts';

export const embedPages = new Hono<AppEnv>();

embedPages.get('/', async (c) => {
  const site = await siteFor(c);
  if (!site) return notFoundPage(c);
  const asked = c.req.query('form');
  const formLang = isLocale(asked) ? asked : isLocale(site.default_locale) ? site.default_locale : 'en';
  const formLanguages = LOCALES.map((locale) => ({ locale, name: messages(locale).languageName }));
  return page(
    c,
    200,
    <EmbedPage {...copy(c)} site={site} origins={allowedOrigins(site)} formLang={formLang} formLanguages={formLanguages} snippets={await embedSnippets(c, site, formLang, null)} />,
  );
});
