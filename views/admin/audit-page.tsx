// The audit log in the console (owners): filters by contact, operator and dates, newest first.
import type { AdminMessages } from '../../src/i18n/admin.ts';
import { useHref } from '../base-url.ts';
import { Layout, type LanguageLink } from '../layout.tsx';
import { BackLink, DataTable } from './parts.tsx';

export interface AuditRowView {
  id: number;
  when: string;
  who: string;
  request: string;
  site: string;
  contacts: string;
  answer: string;
}

export interface AuditPageProps {
  lang: string;
  t: AdminMessages;
  languages: LanguageLink[];
  languageLabel: string;
  filters: { contact: string; operator: string; from: string; to: string };
  operators: { id: string; email: string }[];
  rows: AuditRowView[];
  error: string | null;
  /** The query of the next (older) page; null: none. */
  older: string | null;
}

export function AuditPage(props: AuditPageProps) {
  const a = props.t.audit;
  const f = props.filters;
  return (
    <Layout lang={props.lang} title={`${a.title} · ${props.t.console}`} languages={props.languages} languageLabel={props.languageLabel}>
      <BackLink path={`/admin?lang=${props.lang}`} label={props.t.site.back} />
      <h1>{a.title}</h1>
      <p>{a.intro}</p>
      <form method="get" action={useHref('/admin/audit')} class="filters">
        <input type="hidden" name="lang" value={props.lang} />
        <div class="field">
          <label for="contact">{a.contact}</label>
          <input type="text" name="contact" id="contact" value={f.contact} maxlength={40} />
        </div>
        <div class="field">
          <label for="operator">{a.operator}</label>
          <select name="operator" id="operator">
            <option value="">{a.anyOperator}</option>
            {props.operators.map((operator) => (
              <option value={operator.id} selected={operator.id === f.operator}>
                {operator.email}
              </option>
            ))}
          </select>
        </div>
        <div class={props.error ? 'field invalid' : 'field'}>
          <label for="from">{a.from}</label>
          <input type="date" name="from" id="from" value={f.from} aria-describedby={props.error ? 'dates-error' : undefined} />
        </div>
        <div class={props.error ? 'field invalid' : 'field'}>
          <label for="to">{a.to}</label>
          <input type="date" name="to" id="to" value={f.to} aria-describedby={props.error ? 'dates-error' : undefined} />
        </div>
        {props.error ? (
          <p class="error" id="dates-error" role="alert">
            {props.error}
          </p>
        ) : null}
        <button type="submit">{a.filter}</button>
      </form>
      {props.rows.length === 0 ? (
        <p>{a.none}</p>
      ) : (
        <DataTable
          label={a.title}
          columns={[a.when, a.who, a.request, a.site, a.contacts, a.answer]}
          rows={props.rows.map((row) => [row.when, row.who, <code>{row.request}</code>, row.site, <code>{row.contacts}</code>, row.answer])}
        />
      )}
      {props.older ? (
        <p>
          <a href={useHref(`/admin/audit?${props.older}`)}>{a.older}</a>
        </p>
      ) : null}
    </Layout>
  );
}
