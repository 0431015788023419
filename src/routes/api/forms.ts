// The screen a person saw: a signup form exactly as we showed it, by the SHA-256 its signup
// events name (`formSha256` in the events and the proof bundle).
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../app-env.ts';
import { findForm, readableForm } from '../../db/forms.ts';
import { findSite } from '../../db/sites.ts';
import { apiError, ERROR_RESPONSES } from './errors.ts';
import { json, SiteParam } from './schemas.ts';
import { validationHook } from './validation.ts';

export const formRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

/** A stored form as the API and the proof bundle show it (the bundle keys it by its hash). */
export const StoredFormSchema = z
  .object({
    door: z.enum(['hosted', 'iframe', 'html', 'script']).openapi({
      description: 'hosted: our signup page; iframe: the iframe embed; html: the plain-form snippet; script: the script embed',
    }),
    locale: z.string(),
    templateVersion: z.string().openapi({ example: 'signup-page/1', description: 'Which of our templates made it; for the script embed, the /embed.js that rendered it' }),
    contentType: z.enum(['text/html', 'application/json']).openapi({ description: 'application/json: the form.json document the script embed rendered' }),
    content: z.string().openapi({ description: 'The form exactly as first shown; its SHA-256 is the key' }),
    consentTextSha256: z.string().openapi({ description: 'The wording it shows' }),
    createdAt: z.string(),
  })
  .openapi('StoredForm');

const getForm = createRoute({
  method: 'get',
  path: '/sites/{site}/forms/{sha256}',
  summary: 'A signup form exactly as it was shown, by the SHA-256 its events name',
  request: {
    params: SiteParam.extend({
      sha256: z
        .string()
        .regex(/^[0-9a-f]{64}$/, 'A SHA-256 in lower-case hex (64 characters).')
        .openapi({ param: { name: 'sha256', in: 'path' }, example: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' }),
    }),
  },
  responses: {
    200: json(z.object({ form: StoredFormSchema.extend({ sha256: z.string(), site: z.string() }) }), 'The form'),
    ...ERROR_RESPONSES,
  },
});

formRoutes.openapi(getForm, async (c) => {
  const { db } = c.var.deps;
  const { site, sha256 } = c.req.valid('param');
  if (!(await findSite(db, site))) return apiError(c, 'not_found', 'No site with this id.');
  const row = await findForm(db, site, sha256);
  if (!row) return apiError(c, 'not_found', 'No form with this SHA-256 on this site.');
  return c.json({ form: { sha256: row.sha256, site: row.site_id, ...readableForm(row) } }, 200);
});
