// A site's webhooks in the console: the endpoints with their latest delivery, a new one (its
// secret shown once), delete, and each endpoint's recent deliveries.
import type { Delivery, Endpoint } from '../../src/domain/webhook-endpoints.ts';
import type { AdminMessages } from '../../src/i18n/admin.ts';
import { useHref } from '../base-url.ts';
import { Layout, type LanguageLink } from '../layout.tsx';
import { BackLink, DataTable, Notice, ShownOnce } from './parts.tsx';

interface Common {
  lang: string;
  t: AdminMessages;
  languages: LanguageLink[];
  languageLabel: string;
  site: { id: string; name: string };
  formatMoment(iso: string): string;
}

const answerOf = (t: AdminMessages, d: Delivery) => `${t.webhooks.statuses[d.status] ?? d.status}${d.lastStatusCode ? ` (${d.lastStatusCode})` : ''}${d.lastError ? `: ${d.lastError}` : ''}`;

export function WebhooksPage(
  props: Common & { endpoints: Endpoint[]; eventTypes: readonly string[]; mayChange: boolean; secret: string | null; notice: string | null; error: string | null; url: string; chosen: readonly string[] },
) {
  const w = props.t.webhooks;
  const base = `/admin/sites/${props.site.id}/webhooks`;
  return (
    <Layout lang={props.lang} title={`${w.title} · ${props.site.name}`} languages={props.languages} languageLabel={props.languageLabel}>
      <BackLink path={`/admin/sites/${props.site.id}?lang=${props.lang}`} label={props.site.name} />
      <h1>{w.title}</h1>
      <p>{w.intro}</p>
      <ShownOnce what={w.secretOnce} value={props.secret} />
      <Notice text={props.notice} />
      {props.endpoints.length === 0 ? (
        <p>{w.none}</p>
      ) : (
        props.endpoints.map((endpoint) => (
          <section class="figures" aria-labelledby={`endpoint-${endpoint.id}`}>
            <h2 id={`endpoint-${endpoint.id}`}>
              <code class="hash">{endpoint.url}</code>
            </h2>
            <dl class="figure-list">
              <dt>{w.events}</dt>
              <dd>{endpoint.events.join(', ')}</dd>
              <dt>{w.created}</dt>
              <dd>{props.formatMoment(endpoint.createdAt)}</dd>
              <dt>{w.last}</dt>
              <dd>{endpoint.lastDelivery ? answerOf(props.t, endpoint.lastDelivery) : w.never}</dd>
            </dl>
            <p>
              <a href={useHref(`${base}/${endpoint.id}?lang=${props.lang}`)}>{w.deliveries}</a>
            </p>
            {props.mayChange ? (
              <form method="post" action={useHref(`${base}/${endpoint.id}/delete?lang=${props.lang}`)}>
                <button type="submit" class="secondary" aria-label={`${w.remove} ${endpoint.url}`}>
                  {w.remove}
                </button>
              </form>
            ) : null}
          </section>
        ))
      )}
      {props.mayChange ? (
        <>
          <h2>{w.newTitle}</h2>
          <form method="post" action={useHref(`${base}?lang=${props.lang}`)}>
            <div class={props.error ? 'field invalid' : 'field'}>
              <label for="url">{w.url}</label>
              {props.error ? (
                <p class="error" id="url-error">
                  {props.error}
                </p>
              ) : null}
              <input type="text" inputmode="url" name="url" id="url" value={props.url} maxlength={2000} required aria-invalid={props.error ? 'true' : undefined} aria-describedby={props.error ? 'url-error' : undefined} />
            </div>
            <fieldset>
              <legend>{w.events}</legend>
              {props.eventTypes.map((type) => (
                <label class="choice">
                  <input type="checkbox" name="events" value={type} checked={props.chosen.includes(type)} /> {type}
                </label>
              ))}
            </fieldset>
            <button type="submit">{w.add}</button>
          </form>
        </>
      ) : (
        <p class="hint">{props.t.contacts.viewerOnly}</p>
      )}
    </Layout>
  );
}

export function DeliveriesPage(props: Common & { endpoint: Endpoint; deliveries: Delivery[] }) {
  const w = props.t.webhooks;
  return (
    <Layout lang={props.lang} title={`${w.deliveriesTitle(props.endpoint.url)} · ${props.site.name}`} languages={props.languages} languageLabel={props.languageLabel}>
      <BackLink path={`/admin/sites/${props.site.id}/webhooks?lang=${props.lang}`} label={w.title} />
      <h1>{w.deliveriesTitle(props.endpoint.url)}</h1>
      {props.deliveries.length === 0 ? (
        <p>{w.noDeliveries}</p>
      ) : (
        <DataTable
          label={w.deliveries}
          columns={[w.created, w.type, w.attempts, w.answer]}
          rows={props.deliveries.map((d) => [props.formatMoment(d.createdAt), d.type, d.attempts, answerOf(props.t, d)])}
        />
      )}
    </Layout>
  );
}
