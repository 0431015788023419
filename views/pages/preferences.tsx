// The preference page: every choice on one page, no account needed. A plain form that works
// without JavaScript; with htmx each checkbox saves on change and only its row is swapped.
import type { LocalisedCategory } from '../../src/db/sites.ts';
import type { ConsentStatus } from '../../src/db/schema.ts';
import type { Messages } from '../../src/i18n/index.ts';
import { useHref } from '../base-url.ts';
import { CategoryDetails } from '../partials/category-details.tsx';
import { ExemptCategories } from '../partials/exempt-categories.tsx';
import { Layout } from '../layout.tsx';

export interface CategoryChoice extends LocalisedCategory {
  status: ConsentStatus | null;
  /** Granted, but no longer allowing mail: why, and since when (a date as people read it). */
  renewal?: { reason: 'terms_changed' | 'expired'; date: string } | undefined;
}

export interface HistoryEntry {
  id: number;
  /** ISO 8601, for the machine-readable <time>. */
  at: string;
  when: string;
  description: string;
  /** The SHA-256 of the wording its form showed, one of the history's `wordings`. */
  wordingSha256: string | null;
}

/** A wording some event showed, listed once however many events point at it. */
export interface WordingShown {
  sha256: string;
  /** 1 for the first wording the contact saw, in the order they saw them. */
  number: number;
  /** ISO 8601, and as people read it. */
  firstShownAt: string;
  firstShown: string;
  text: string;
}

export interface History {
  /** Newest first. */
  entries: HistoryEntry[];
  wordings: WordingShown[];
}

export interface PreferencesPageProps {
  t: Messages;
  lang: string;
  siteName: string;
  legalName: string;
  email: string;
  /** /p/{token}: every form posts under it. */
  base: string;
  optIn: CategoryChoice[];
  exempt: LocalisedCategory[];
  consentSha256: string;
  history: History;
  languages: { locale: string; label: string }[];
  /** The contact never confirmed an address by email: ticking sends a confirmation first. */
  byEmail: boolean;
  /** The contact's text messages, when it has a number and SMS consents. */
  sms?: { masked: string; categories: { key: string; name: string; on: boolean }[] } | null;
  notice?: string;
}

export function PreferencesPage(props: PreferencesPageProps) {
  const { t } = props;
  const p = t.preferences;
  return (
    <Layout lang={props.lang} title={p.title(props.siteName)} htmx>
      <h1>{p.title(props.siteName)}</h1>
      <p>{p.intro(props.email)}</p>
      <StatusMessage text={props.notice ?? ''} />
      <form method="post" action={useHref(props.base)}>
        <input type="hidden" name="consent" value={props.consentSha256} />
        {/* The language the page was shown in, so a save checks the wording it showed. */}
        <input type="hidden" name="page_lang" value={props.lang} />
        <fieldset class="field">
          <legend>{p.choose}</legend>
          {props.optIn.map((category) => (
            <CategoryRow t={t} base={props.base} category={category} byEmail={props.byEmail} />
          ))}
        </fieldset>
        <ExemptCategories t={t} categories={props.exempt} />
        <p class="hint">{props.byEmail ? p.statementByEmail(props.legalName) : p.statement(props.legalName)}</p>
        <button type="submit">{p.save}</button>
      </form>

      {props.sms && props.sms.categories.length > 0 ? (
        <section>
          <h2 id="sms-heading">{p.smsHeading}</h2>
          <p>{p.smsIntro(props.sms.masked)}</p>
          <form method="post" action={useHref(`${props.base}/sms`)}>
            <input type="hidden" name="consent" value={props.consentSha256} />
            <input type="hidden" name="page_lang" value={props.lang} />
            {props.sms.categories.map((category) => (
              <div class="category">
                <input type="hidden" name="shown" value={category.key} />
                <input type="checkbox" name="sms_categories" value={category.key} id={`sms-${category.key}`} checked={category.on} disabled={!category.on} />
                <label for={`sms-${category.key}`}>
                  <strong>{t.signup.smsBox(category.name)}</strong>
                </label>
              </div>
            ))}
            <button type="submit">{p.smsSave}</button>
          </form>
        </section>
      ) : null}

      <section>
        <h2>{p.unsubscribeAllHeading}</h2>
        <form method="post" action={useHref(`${props.base}/unsubscribe-all`)}>
          <button type="submit" class="secondary">
            {p.unsubscribeAll}
          </button>
        </form>
      </section>

      <section>
        <h2>{p.languageHeading}</h2>
        <form method="post" action={useHref(`${props.base}/language`)} class="inline">
          {props.languages.map((language) => (
            <button type="submit" name="lang" value={language.locale} lang={language.locale} class="secondary">
              {language.label}
            </button>
          ))}
        </form>
      </section>

      <ConsentHistory t={t} history={props.history} />

      <section>
        <h2>{p.dataHeading}</h2>
        <p>{p.dataIntro(props.legalName)}</p>
        <p>
          <a href={useHref(`${props.base}/data`)} download>
            {p.downloadData}
          </a>
        </p>
        <p>
          <a href={useHref(`${props.base}/delete`)}>{p.deleteLink}</a>
        </p>
      </section>
    </Layout>
  );
}

/** One category's row; htmx swaps just this row after saving it on change. */
export function CategoryRow(props: { t: Messages; base: string; category: CategoryChoice; byEmail: boolean }) {
  const { category } = props;
  const id = `category-${category.key}`;
  return (
    <div class="category" id={`row-${category.key}`}>
      <input type="hidden" name="shown" value={category.key} />
      <input
        type="checkbox"
        name="categories"
        value={category.key}
        id={id}
        checked={category.status === 'granted' && !category.renewal}
        aria-describedby={`${id}-details`}
        data-hx-post={useHref(`${props.base}/categories/${category.key}`)}
        data-hx-trigger="change"
        data-hx-target={`#row-${category.key}`}
        data-hx-swap="outerHTML"
      />
      <label for={id}>
        <strong>{category.name}</strong>
      </label>
      <CategoryDetails t={props.t} category={category} id={`${id}-details`} class="details">
        {category.status === 'pending' ? (
          <p class="pending">{props.byEmail ? props.t.preferences.waitingEmail : props.t.preferences.waiting}</p>
        ) : null}
        {category.renewal ? <RenewalNotice t={props.t} renewal={category.renewal} byEmail={props.byEmail} /> : null}
      </CategoryDetails>
    </div>
  );
}

/** Why a granted consent no longer brings mail, and what ticking it again does. */
function RenewalNotice(props: { t: Messages; renewal: NonNullable<CategoryChoice['renewal']>; byEmail: boolean }) {
  const p = props.t.preferences;
  const { reason, date } = props.renewal;
  const text =
    reason === 'terms_changed'
      ? (props.byEmail ? p.termsChangedByEmail : p.termsChanged)(date)
      : (props.byEmail ? p.expiredByEmail : p.expired)(date);
  return <p class="renewal">{text}</p>;
}

/**
 * A live region, present from the start so screen readers announce what is put in it; htmx
 * replaces only its content, out of band, after each save.
 */
export function StatusMessage(props: { text: string; oob?: boolean }) {
  return (
    <p id="status" class="notice" role="status" aria-live="polite" data-hx-swap-oob={props.oob ? 'innerHTML' : undefined}>
      {props.text}
    </p>
  );
}

/**
 * The consent history; htmx replaces it out of band after each save so it never goes stale. Each
 * wording is shown once, below, and the events point at it: a page whose every event repeated
 * its kilobyte of wording grew with every save.
 */
export function ConsentHistory(props: { t: Messages; history: History; oob?: boolean }) {
  const p = props.t.preferences;
  const { entries, wordings } = props.history;
  const numberOf = new Map(wordings.map((wording) => [wording.sha256, wording.number]));
  return (
    <section class="history" id="history" data-hx-swap-oob={props.oob ? 'true' : undefined}>
      <h2>{p.historyHeading}</h2>
      <p class="hint">{p.historyIntro}</p>
      {entries.length === 0 ? <p>{p.historyEmpty}</p> : null}
      <ul class="events">
        {entries.map((entry) => (
          <li>
            <time datetime={entry.at}>{entry.when}</time> {entry.description}
            {entry.wordingSha256 && numberOf.has(entry.wordingSha256) ? (
              <>
                {' '}
                <a href={`#wording-${entry.wordingSha256}`} class="wording-ref">
                  {p.wordingRef(numberOf.get(entry.wordingSha256)!)}
                </a>
              </>
            ) : null}
          </li>
        ))}
      </ul>
      {wordings.length > 0 ? (
        <>
          <h3>{p.wordingsHeading}</h3>
          <p class="hint">{p.wordingsIntro}</p>
          <ul class="wordings">
            {wordings.map((wording) => {
              const [before, after] = p.wordingTitle(wording.number);
              return (
                <li id={`wording-${wording.sha256}`}>
                  <details>
                    <summary>
                      {before}
                      <time datetime={wording.firstShownAt}>{wording.firstShown}</time>
                      {after}
                    </summary>
                    <pre>{wording.text}</pre>
                  </details>
                </li>
              );
            })}
          </ul>
        </>
      ) : null}
    </section>
  );
}
