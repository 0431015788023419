// API keys in the console (owners only): each key's scope and state, a new key shown once, revoke.
import type { AdminMessages } from '../../src/i18n/admin.ts';
import { useHref } from '../base-url.ts';
import { Layout, type LanguageLink } from '../layout.tsx';
import { BackLink, DataTable, Notice, ShownOnce } from './parts.tsx';

export interface KeysPageProps {
  lang: string;
  t: AdminMessages;
  languages: LanguageLink[];
  languageLabel: string;
  keys: { id: string; site: string | null; label: string | null; created: string; revoked: string | null }[];
  sites: { id: string; name: string }[];
  /** A key just created: its whole value, shown this once. */
  created: string | null;
  notice: string | null;
  error: string | null;
  label: string;
}

export function KeysPage(props: KeysPageProps) {
  const k = props.t.keys;
  return (
    <Layout lang={props.lang} title={`${k.title} · ${props.t.console}`} languages={props.languages} languageLabel={props.languageLabel}>
      <BackLink path={`/admin?lang=${props.lang}`} label={props.t.site.back} />
      <h1>{k.title}</h1>
      <p>{k.intro}</p>
      <ShownOnce what={k.shownOnce} value={props.created} />
      <Notice text={props.notice} />
      {props.keys.length === 0 ? (
        <p>{k.none}</p>
      ) : (
        <DataTable
          columns={[k.id, k.scope, k.label, k.created, k.state]}
          rows={props.keys.map((key) => [
            <code>{key.id}</code>,
            key.site ?? k.everySite,
            key.label ?? '—',
            key.created,
            key.revoked ? (
              k.revokedAt(key.revoked)
            ) : (
              <form method="post" action={useHref(`/admin/keys/${key.id}/revoke?lang=${props.lang}`)}>
                {k.active}{' '}
                <button type="submit" class="secondary" aria-label={`${k.revoke} ${key.id}`}>
                  {k.revoke}
                </button>
              </form>
            ),
          ])}
        />
      )}
      <h2>{k.newTitle}</h2>
      <form method="post" action={useHref(`/admin/keys?lang=${props.lang}`)}>
        <div class="field">
          <label for="site">{k.site}</label>
          <select name="site" id="site">
            <option value="">{k.everySite}</option>
            {props.sites.map((site) => (
              <option value={site.id}>{site.name}</option>
            ))}
          </select>
        </div>
        <div class={props.error ? 'field invalid' : 'field'}>
          <label for="label">{k.label}</label>
          <p class="hint" id="label-hint">
            {k.labelHint}
          </p>
          {props.error ? (
            <p class="error" id="label-error">
              {props.error}
            </p>
          ) : null}
          <input type="text" name="label" id="label" value={props.label} maxlength={100} aria-invalid={props.error ? 'true' : undefined} aria-describedby={props.error ? 'label-hint label-error' : 'label-hint'} />
        </div>
        <button type="submit">{k.create}</button>
      </form>
    </Layout>
  );
}
