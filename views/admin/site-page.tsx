// A site in the console: its last 30 days per opt-in category, and the ledger's state.
import type { CategoryFigures } from '../../src/domain/site-figures.ts';
import type { AdminMessages } from '../../src/i18n/admin.ts';
import { useHref } from '../base-url.ts';
import { Layout, type LanguageLink } from '../layout.tsx';
import { BackLink } from './parts.tsx';
import { FigureChart } from './figure-chart.tsx';

export interface LedgerState {
  events: number;
  lastSeal: { eventId: number; sealedAt: string; hash: string } | null;
  /** After "verify": the result, in words. */
  verification: { ok: boolean; text: string } | null;
}

export interface SitePageProps {
  lang: string;
  t: AdminMessages;
  languages: LanguageLink[];
  languageLabel: string;
  site: { id: string; name: string };
  days: number;
  figures: CategoryFigures[];
  ledger: LedgerState;
  formatNumber(n: number): string;
  formatMoment(iso: string): string;
  /** The import page's link, in the words of its own catalog (src/i18n/admin-imports.ts). */
  importsLink: string;
  /** The settings and categories pages' links, from src/i18n/admin-site.ts. */
  settingsLink: string;
  categoriesLink: string;
}

export function SitePage(props: SitePageProps) {
  const s = props.t.site;
  const n = props.formatNumber;
  return (
    <Layout lang={props.lang} title={`${props.site.name} · ${props.t.console}`} languages={props.languages} languageLabel={props.languageLabel}>
      <BackLink path={`/admin?lang=${props.lang}`} label={s.back} />
      <h1>{props.site.name}</h1>
      <p>
        <a href={useHref(`/admin/sites/${props.site.id}/settings?lang=${props.lang}`)}>{props.settingsLink}</a> ·{' '}
        <a href={useHref(`/admin/sites/${props.site.id}/categories?lang=${props.lang}`)}>{props.categoriesLink}</a> ·{' '}
        <a href={useHref(`/admin/sites/${props.site.id}/contacts?lang=${props.lang}`)}>{props.t.contacts.link}</a> ·{' '}
        <a href={useHref(`/admin/sites/${props.site.id}/embed?lang=${props.lang}`)}>{props.t.embed.link}</a> ·{' '}
        <a href={useHref(`/admin/sites/${props.site.id}/webhooks?lang=${props.lang}`)}>{props.t.webhooks.link}</a> ·{' '}
        <a href={useHref(`/admin/sites/${props.site.id}/imports?lang=${props.lang}`)}>{props.importsLink}</a>
      </p>
      <h2>{s.figuresTitle(props.days)}</h2>
      {props.figures.length === 0 ? <p>{s.none}</p> : null}
      {props.figures.map((category) => (
        <section class="figures" aria-labelledby={`figures-${category.key}`}>
          <h3 id={`figures-${category.key}`}>{category.name}</h3>
          <FigureChart days={category.days} label={s.chart(category.name, props.days)} />
          <dl class="figure-list">
            <dt>{s.signups}</dt>
            <dd>{n(category.signups)}</dd>
            <dt>{s.confirmations}</dt>
            <dd>{n(category.confirmations)}</dd>
            <dt>{s.rate}</dt>
            <dd>{category.confirmationRate === null ? s.noRate : `${Math.round(category.confirmationRate * 100)} %`}</dd>
            <dt>
              {s.grants} <span class="hint">({s.grantsHint})</span>
            </dt>
            <dd>{n(category.grants)}</dd>
            <dt>{s.withdrawals}</dt>
            <dd>{n(category.withdrawals)}</dd>
            <dt>{s.net}</dt>
            <dd>{category.net > 0 ? `+${n(category.net)}` : n(category.net)}</dd>
          </dl>
        </section>
      ))}
      <h2>{s.ledgerTitle}</h2>
      <p>{s.events(n(props.ledger.events))}</p>
      {props.ledger.lastSeal ? (
        <>
          <p>{s.lastSeal(String(props.ledger.lastSeal.eventId), props.formatMoment(props.ledger.lastSeal.sealedAt))}</p>
          <p class="hint">{s.head}</p>
          <p>
            <code class="hash">{props.ledger.lastSeal.hash}</code>
          </p>
        </>
      ) : (
        <p>{s.noSeal}</p>
      )}
      {props.ledger.verification ? (
        <p class={props.ledger.verification.ok ? 'tone-success' : 'error'} role="status">
          {props.ledger.verification.text}
        </p>
      ) : null}
      <form method="post" action={useHref(`/admin/sites/${props.site.id}/verify?lang=${props.lang}`)}>
        <button type="submit" class="secondary">
          {s.verify}
        </button>
      </form>
    </Layout>
  );
}
