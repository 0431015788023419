// Operators in the console (owners): who may sign in, a new one with their setup link shown once,
// disable, and a new setup link.
import type { OperatorListing } from '../../src/domain/operators.ts';
import type { AdminMessages } from '../../src/i18n/admin.ts';
import { useHref } from '../base-url.ts';
import { Layout, type LanguageLink } from '../layout.tsx';
import { Alert, BackLink, Notice, ShownOnce } from './parts.tsx';

export interface OperatorsPageProps {
  lang: string;
  t: AdminMessages;
  languages: LanguageLink[];
  languageLabel: string;
  operators: OperatorListing[];
  sites: { id: string; name: string }[];
  selfId: string;
  /** A setup link just made: for whom, and the link, shown this once. */
  setup: { email: string; url: string } | null;
  notice: string | null;
  error: string | null;
  email: string;
}

export function OperatorsPage(props: OperatorsPageProps) {
  const o = props.t.operators;
  return (
    <Layout lang={props.lang} title={`${o.title} · ${props.t.console}`} languages={props.languages} languageLabel={props.languageLabel}>
      <BackLink path={`/admin?lang=${props.lang}`} label={props.t.site.back} />
      <h1>{o.title}</h1>
      <p>{o.intro}</p>
      <ShownOnce what={props.setup ? o.setupLink(props.setup.email) : ''} value={props.setup?.url ?? null} />
      <Notice text={props.notice} />
      <Alert text={props.error} />
      <div class="table-scroll" tabindex={0} role="region" aria-label={o.title}>
        <table>
          <thead>
            <tr>
              <th scope="col">{o.email}</th>
              <th scope="col">{o.role}</th>
              <th scope="col">{o.site}</th>
              <th scope="col">{o.state}</th>
              <th scope="col"></th>
            </tr>
          </thead>
          <tbody>
            {props.operators.map((operator) => (
              <tr>
                <td>{operator.email}</td>
                <td>{props.t.roles[operator.role]}</td>
                <td>{operator.site ?? o.everySite}</td>
                <td>{o.states[operator.state] ?? operator.state}</td>
                <td>
                  {operator.id === props.selfId ? null : (
                    <div class="actions">
                      {operator.state === 'disabled' ? null : (
                        <form method="post" action={useHref(`/admin/operators/${operator.id}/disable?lang=${props.lang}`)}>
                          <button type="submit" class="secondary" aria-label={`${o.disable} ${operator.email}`}>
                            {o.disable}
                          </button>
                        </form>
                      )}
                      <form method="post" action={useHref(`/admin/operators/${operator.id}/reset?lang=${props.lang}`)}>
                        <button type="submit" class="secondary" aria-label={`${o.reset} ${operator.email}`}>
                          {o.reset}
                        </button>
                      </form>
                    </div>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2>{o.newTitle}</h2>
      <form method="post" action={useHref(`/admin/operators?lang=${props.lang}`)}>
        <div class="field">
          <label for="email">{o.email}</label>
          <input type="email" name="email" id="email" value={props.email} maxlength={254} required autocomplete="off" />
        </div>
        <div class="field">
          <label for="role">{o.role}</label>
          <select name="role" id="role">
            <option value="viewer">{props.t.roles.viewer}</option>
            <option value="editor">{props.t.roles.editor}</option>
            <option value="owner">{props.t.roles.owner}</option>
          </select>
        </div>
        <div class="field">
          <label for="site">{o.site}</label>
          <select name="site" id="site">
            <option value="">{o.everySite}</option>
            {props.sites.map((site) => (
              <option value={site.id}>{site.name}</option>
            ))}
          </select>
        </div>
        <button type="submit">{o.create}</button>
      </form>
    </Layout>
  );
}
