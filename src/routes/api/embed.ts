// The copy-paste snippets that put a site's signup form on its own pages: an iframe, a plain
// HTML form and the script embed, in the language asked for. They work only on the site's
// allowedOrigins; with none, the answer says so.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../app-env.ts';
import { findSite } from '../../db/sites.ts';
import { allowedOrigins } from '../../domain/site-origins.ts';
import { LOCALES, isLocale } from '../../i18n/index.ts';
import { embedSnippets } from '../embed-snippets.ts';
import { apiError, ERROR_RESPONSES } from './errors.ts';
import { json, SiteParam } from './schemas.ts';
import { validationHook } from './validation.ts';

export const embedRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

const snippets = createRoute({
  method: 'get',
  path: '/sites/{site}/embed',
  summary: "Snippets that embed the site's signup form on its allowed origins: iframe, plain HTML form, script",
  request: {
    params: SiteParam,
    query: z.object({
      lang: z.enum(LOCALES).optional().openapi({ description: "The form's language; default: the site's" }),
      returnTo: z.string().url().max(2000).optional().openapi({ description: 'Where the plain HTML form sends people after a signup (on an allowed origin)' }),
    }),
  },
  responses: {
    200: json(
      z.object({
        site: z.string(),
        lang: z.enum(LOCALES),
        allowedOrigins: z.array(z.string()),
        iframe: z.string(),
        html: z.string(),
        script: z.string(),
        warning: z.string().optional(),
      }),
      'The snippets',
    ),
    ...ERROR_RESPONSES,
  },
});

embedRoutes.openapi(snippets, async (c) => {
  const { deps } = c.var;
  const site = await findSite(deps.db, c.req.valid('param').site);
  if (!site) return apiError(c, 'not_found', 'No site with this id.');
  const query = c.req.valid('query');
  const lang = query.lang ?? (isLocale(site.default_locale) ? site.default_locale : 'en');
  const origins = allowedOrigins(site);
  const returnTo = query.returnTo ?? null;
  if (returnTo !== null && !origins.includes(new URL(returnTo).origin)) {
    return apiError(c, 'invalid_request', 'returnTo must be on one of the site’s allowed origins.', [{ path: 'returnTo', message: 'Not on an allowed origin.' }]);
  }
  const snippets = await embedSnippets(c, site, lang, returnTo);
  return c.json(
    {
      site: site.id,
      lang,
      allowedOrigins: origins,
      ...snippets,
      ...(origins.length === 0
        ? { warning: 'The site has no allowedOrigins: these snippets work nowhere until you add its origins (PATCH /sites/{site}).' }
        : {}),
    },
    200,
  );
});
