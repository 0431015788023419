// The console's first page: the sites this operator may work on.
import type { AdminMessages } from '../../src/i18n/admin.ts';
import { useHref } from '../base-url.ts';
import { Layout, type LanguageLink } from '../layout.tsx';

export interface HomePageProps {
  lang: string;
  t: AdminMessages;
  languages: LanguageLink[];
  languageLabel: string;
  email: string;
  role: string;
  /** Owners add sites and manage the API keys and operators. */
  owner: boolean;
  sites: { id: string; name: string }[];
  /** The new-site page's link, from src/i18n/admin-site.ts. */
  newSiteLink: string;
}

export function HomePage(props: HomePageProps) {
  const h = props.t.home;
  return (
    <Layout lang={props.lang} title={`${h.title} · ${props.t.console}`} languages={props.languages} languageLabel={props.languageLabel}>
      <h1>{h.title}</h1>
      <p>{h.signedInAs(props.email, props.role)}</p>
      {props.sites.length === 0 ? (
        <p>{h.none}</p>
      ) : (
        <ul class="sites">
          {props.sites.map((site) => (
            <li>
              <a href={useHref(`/admin/sites/${site.id}?lang=${props.lang}`)}>{site.name}</a> <code>{site.id}</code>
            </li>
          ))}
        </ul>
      )}
      {props.owner ? (
        <p>
          <a href={useHref(`/admin/new-site?lang=${props.lang}`)}>{props.newSiteLink}</a> ·{' '}
          <a href={useHref(`/admin/keys?lang=${props.lang}`)}>{props.t.keys.link}</a> ·{' '}
          <a href={useHref(`/admin/audit?lang=${props.lang}`)}>{props.t.audit.link}</a> ·{' '}
          <a href={useHref(`/admin/operators?lang=${props.lang}`)}>{props.t.operators.link}</a>
        </p>
      ) : null}
      <form method="post" action={useHref(`/admin/logout?lang=${props.lang}`)}>
        <button type="submit" class="secondary">
          {h.signOut}
        </button>
      </form>
    </Layout>
  );
}
