// The console's contact pages: the exact-address search, one contact with its consents and what
// may be done about them, and the confirmation before an erasure.
import type { AdminMessages } from '../../src/i18n/admin.ts';
import { useHref } from '../base-url.ts';
import { Layout, type LanguageLink } from '../layout.tsx';
import { BackLink, DataTable, Notice } from './parts.tsx';
import { EmailField } from '../partials/email-field.tsx';
import { Field } from './form-fields.tsx';

interface Common {
  lang: string;
  t: AdminMessages;
  languages: LanguageLink[];
  languageLabel: string;
  site: { id: string; name: string };
}

const back = (props: Common) => <BackLink path={`/admin/sites/${props.site.id}?lang=${props.lang}`} label={props.site.name} />;

export function ContactSearchPage(props: Common & { email: string; phone: string; notFound: boolean }) {
  const c = props.t.contacts;
  return (
    <Layout lang={props.lang} title={`${c.title} · ${props.site.name}`} languages={props.languages} languageLabel={props.languageLabel}>
      {back(props)}
      <h1>{c.title}</h1>
      <p>{c.intro}</p>
      <form method="get" action={useHref(`/admin/sites/${props.site.id}/contacts`)}>
        <input type="hidden" name="lang" value={props.lang} />
        <EmailField label={c.email} value={props.email} error={props.notFound && props.email ? c.notFound(props.email) : null} />
        <button type="submit">{c.search}</button>
      </form>
      <form method="get" action={useHref(`/admin/sites/${props.site.id}/contacts`)}>
        <input type="hidden" name="lang" value={props.lang} />
        <Field id="phone" label={c.phone} hint={c.phoneHint} error={props.notFound && props.phone ? c.phoneNotFound(props.phone) : null} value={props.phone} maxlength={40} />
        <button type="submit">{c.searchPhone}</button>
      </form>
    </Layout>
  );
}

export interface ContactView {
  id: string;
  email: string;
  /** E.164, or null: no number. */
  phone: string | null;
  name: string | null;
  locale: string;
  createdAt: string;
  confirmedAt: string | null;
  erased: boolean;
  consents: { category: string; channel: string; status: string; since: string }[];
}

export function ContactPage(props: Common & { contact: ContactView; mayChange: boolean; notice: string | null }) {
  const c = props.t.contacts;
  const { contact } = props;
  const base = `/admin/sites/${props.site.id}/contacts/${contact.id}`;
  const title = contact.erased ? c.erasedTitle : c.contactTitle(contact.email || contact.phone || contact.id);
  return (
    <Layout lang={props.lang} title={`${title} · ${props.site.name}`} languages={props.languages} languageLabel={props.languageLabel}>
      {back(props)}
      <h1>{title}</h1>
      <Notice text={props.notice} />
      <dl class="figure-list">
        {contact.email && contact.phone ? (
          <>
            <dt>{c.phone}</dt>
            <dd>{contact.phone}</dd>
          </>
        ) : null}
        <dt>{c.name}</dt>
        <dd>{contact.name ?? '—'}</dd>
        <dt>{c.language}</dt>
        <dd>{contact.locale}</dd>
        <dt>{c.since}</dt>
        <dd>{contact.createdAt}</dd>
        <dt>{c.confirmed}</dt>
        <dd>{contact.confirmedAt ?? c.notConfirmed}</dd>
      </dl>
      <h2>{c.consentsTitle}</h2>
      {contact.consents.length === 0 ? (
        <p>{c.noConsents}</p>
      ) : (
        <DataTable
          columns={[c.category, c.channel, c.status, c.changed]}
          rows={contact.consents.map((consent) => [consent.category, c.channels[consent.channel] ?? consent.channel, c.statuses[consent.status] ?? consent.status, consent.since])}
        />
      )}
      <p>
        <a href={useHref(`${base}/proof?lang=${props.lang}`)}>{c.proof}</a>
      </p>
      {contact.erased ? null : props.mayChange ? (
        <>
          <form method="post" action={useHref(`${base}/revoke-links?lang=${props.lang}`)}>
            <p class="hint">{c.revokeHint}</p>
            <button type="submit" class="secondary">
              {c.revoke}
            </button>
          </form>
          <p>
            <a href={useHref(`${base}/erase?lang=${props.lang}`)}>{c.erase}</a>
          </p>
        </>
      ) : (
        <p class="hint">{c.viewerOnly}</p>
      )}
    </Layout>
  );
}

export function EraseConfirmPage(props: Common & { contact: { id: string; email: string }; holdUntil: string | null }) {
  const c = props.t.contacts;
  const base = `/admin/sites/${props.site.id}/contacts/${props.contact.id}`;
  return (
    <Layout lang={props.lang} title={`${c.eraseTitle(props.contact.email)} · ${props.site.name}`} languages={props.languages} languageLabel={props.languageLabel}>
      {back(props)}
      <h1>{c.eraseTitle(props.contact.email)}</h1>
      <p>{c.eraseBody}</p>
      {props.holdUntil ? <p>{c.eraseHold(props.holdUntil)}</p> : null}
      <form method="post" action={useHref(`${base}/erase?lang=${props.lang}`)}>
        <button type="submit">{c.eraseConfirm}</button>
      </form>
      <p>
        <a href={useHref(`${base}?lang=${props.lang}`)}>{c.cancel}</a>
      </p>
    </Layout>
  );
}
