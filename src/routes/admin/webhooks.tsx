// A site's webhooks in the console: domain/webhook-endpoints.ts, as the operator API calls it.
import { Hono } from 'hono';
import type { AppContext, AppEnv } from '../../app-env.ts';
import type { SiteRow } from '../../db/schema.ts';
import { deleteWebhook, listWebhooks, recentDeliveries, registerWebhook } from '../../domain/webhook-endpoints.ts';
import { formatDateTime } from '../../i18n/index.ts';
import { WEBHOOK_EVENTS, type WebhookEvent } from '../../webhooks/events.ts';
import { DeliveriesPage, WebhooksPage } from '../../../views/admin/webhooks-pages.tsx';
import { formText, formTexts, notFoundPage, page, readForm } from '../render.tsx';
import { copy, mayChange, redirect, siteFor, siteToChange } from './shared.ts';

export const webhookPages = new Hono<AppEnv>();

const moments = (c: AppContext, site: SiteRow) => (iso: string) => formatDateTime(copy(c).lang, site.time_zone, new Date(iso));

async function listAnswer(c: AppContext, site: SiteRow, status: 200 | 201 | 400, shown: { secret?: string; notice?: string | null; error?: string; url?: string; chosen?: readonly string[] } = {}) {
  return page(
    c,
    status,
    <WebhooksPage
      {...copy(c)}
      site={site}
      formatMoment={moments(c, site)}
      endpoints={await listWebhooks(c.var.deps, site.id)}
      eventTypes={WEBHOOK_EVENTS}
      mayChange={mayChange(c.var.operator)}
      secret={shown.secret ?? null}
      notice={shown.notice ?? null}
      error={shown.error ?? null}
      url={shown.url ?? ''}
      chosen={shown.chosen ?? WEBHOOK_EVENTS}
    />,
  );
}

webhookPages.get('/', async (c) => {
  const site = await siteFor(c);
  if (!site) return notFoundPage(c);
  const removed = c.req.query('removed');
  return listAnswer(c, site, 200, { notice: removed ? copy(c).t.webhooks.removed(removed) : null });
});

webhookPages.post('/', async (c) => {
  const site = await siteToChange(c);
  if (site instanceof Response) return site;
  const form = await readForm(c);
  const url = formText(form?.url).trim();
  const chosen = formTexts(form?.events).filter((type): type is WebhookEvent => (WEBHOOK_EVENTS as readonly string[]).includes(type));
  if (chosen.length === 0) return listAnswer(c, site, 400, { error: copy(c).t.webhooks.pickEvents, url, chosen });
  const registered = await registerWebhook(c.var.deps, site.id, url, chosen);
  if (!registered.ok) return listAnswer(c, site, 400, { error: registered.problem, url, chosen });
  return listAnswer(c, site, 201, { secret: registered.secret });
});

webhookPages.post('/:id/delete', async (c) => {
  const site = await siteToChange(c);
  if (site instanceof Response) return site;
  const id = c.req.param('id');
  if (!(await deleteWebhook(c.var.deps, site.id, id))) return notFoundPage(c);
  return redirect(c, `/admin/sites/${site.id}/webhooks?lang=${copy(c).lang}&removed=${encodeURIComponent(id)}`);
});

webhookPages.get('/:id', async (c) => {
  const site = await siteFor(c);
  if (!site) return notFoundPage(c);
  const id = c.req.param('id');
  const endpoint = (await listWebhooks(c.var.deps, site.id)).find((e) => e.id === id);
  const deliveries = endpoint && (await recentDeliveries(c.var.deps, site.id, id));
  if (!endpoint || !deliveries) return notFoundPage(c);
  return page(c, 200, <DeliveriesPage {...copy(c)} site={site} formatMoment={moments(c, site)} endpoint={endpoint} deliveries={deliveries} />);
});
