// A site's CSV import in the console: the upload (with the template and its columns, and the
// recent imports), the preview (columns to choose, the first rows, every problem by row and
// field, the Import button once there is none), and the result per row.
import type { ImportResult, ItemResult } from '../../src/domain/import-consents.ts';
import type { ColumnMapping, ImportField } from '../../src/domain/import-csv.ts';
import type { AdminImportsMessages } from '../../src/i18n/admin-imports.ts';
import type { AdminMessages } from '../../src/i18n/admin.ts';
import { useHref } from '../base-url.ts';
import { Layout, type LanguageLink } from '../layout.tsx';
import { BackLink, Notice } from './parts.tsx';

interface Common {
  lang: string;
  t: AdminMessages;
  ti: AdminImportsMessages;
  languages: LanguageLink[];
  languageLabel: string;
  site: { id: string; name: string };
  /** An import item's fields, in the order the template has them. */
  fields: readonly ImportField[];
}

export interface RecentImport {
  id: string;
  at: string;
  by: string;
  rows: string;
  totals: string;
}

export interface ShownProblem {
  /** The row in the file, the header being 1. */
  row: number;
  /** null: the row as a whole. */
  field: ImportField | null;
  text: string;
}

export interface PreviewView {
  name: string;
  csv: string;
  header: string[];
  mapping: ColumnMapping;
  required: readonly ImportField[];
  total: number;
  rows: { row: number; cells: Record<ImportField, string> }[];
  /** Needed fields without a column. */
  missing: ImportField[];
  problems: ShownProblem[];
  /** The import id of this file with these columns, when every row is right. */
  checked: string | null;
  notice: string | null;
}

const base = (props: Common) => `/admin/sites/${props.site.id}/imports`;

export function ImportsPage(props: Common & { mayChange: boolean; maxRows: string; categories: { key: string; name: string }[]; recent: RecentImport[]; error: string | null }) {
  const ti = props.ti;
  return (
    <Layout lang={props.lang} title={`${ti.title} · ${props.site.name}`} languages={props.languages} languageLabel={props.languageLabel}>
      <BackLink path={`/admin/sites/${props.site.id}?lang=${props.lang}`} label={props.site.name} />
      <h1>{ti.title}</h1>
      <p>{ti.intro}</p>
      {props.mayChange ? <UploadForm {...props} error={props.error} /> : <p class="hint">{props.t.contacts.viewerOnly}</p>}
      <h2>{ti.columnsTitle}</h2>
      <p>
        <a href={useHref(`${base(props)}/template.csv`)} download>
          {ti.templateLink}
        </a>
      </p>
      <p class="hint">{ti.templateHint}</p>
      <dl class="import-columns">
        {props.fields.map((field) => (
          <>
            <dt>
              <code>{field}</code> <span class="hint">{ti.fields[field]}</span>
            </dt>
            <dd>{field === 'categories' ? ti.fieldHelp.categories(props.categories.map((c) => `${c.key} (${c.name})`).join(', ')) : ti.fieldHelp[field]}</dd>
          </>
        ))}
      </dl>
      <h2>{ti.recentTitle}</h2>
      {props.recent.length === 0 ? (
        <p>{ti.noRecent}</p>
      ) : (
        <div class="table-scroll" tabindex={0} role="region" aria-label={ti.recentTitle}>
          <table class="data">
            <thead>
              <tr>
                <th scope="col">{ti.when}</th>
                <th scope="col">{ti.by}</th>
                <th scope="col">{ti.rows}</th>
                <th scope="col">{ti.outcome}</th>
              </tr>
            </thead>
            <tbody>
              {props.recent.map((r) => (
                <tr>
                  <td>{r.at}</td>
                  <td>{r.by}</td>
                  <td class="number">{r.rows}</td>
                  <td>{r.totals}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}

function UploadForm(props: Common & { maxRows: string; error: string | null; title?: string }) {
  const ti = props.ti;
  return (
    <form method="post" enctype="multipart/form-data" action={useHref(`${base(props)}?lang=${props.lang}`)}>
      {props.title ? <h2>{props.title}</h2> : null}
      <div class={props.error ? 'field invalid' : 'field'}>
        <label for="file">{ti.file}</label>
        <p class="hint" id="file-hint">
          {ti.fileHint(props.maxRows)}
        </p>
        {props.error ? (
          <p class="error" id="file-error" role="alert">
            {props.error}
          </p>
        ) : null}
        <input
          type="file"
          name="file"
          id="file"
          accept=".csv,text/csv"
          required
          aria-invalid={props.error ? 'true' : undefined}
          aria-describedby={props.error ? 'file-hint file-error' : 'file-hint'}
        />
      </div>
      <button type="submit">{ti.upload}</button>
    </form>
  );
}

/** A long wording stays readable in a table cell. */
const shorten = (text: string) => (text.length > 80 ? `${text.slice(0, 79)}…` : text);

export function PreviewPage(props: Common & { view: PreviewView; maxRows: string; formatNumber(n: number): string }) {
  const { ti, view } = props;
  const n = props.formatNumber;
  const shownFields = props.fields.filter((field) => view.mapping[field] !== null);
  const rowsWithProblems = new Set(view.problems.map((p) => p.row));
  const problemCount = view.problems.length + view.missing.length;
  return (
    <Layout lang={props.lang} title={`${ti.title} · ${props.site.name}`} languages={props.languages} languageLabel={props.languageLabel}>
      <BackLink path={`${base(props)}?lang=${props.lang}`} label={ti.title} />
      <h1>{ti.title}</h1>
      <p>{ti.fileName(view.name || 'CSV', n(view.total))}</p>
      <Notice text={view.notice} />
      {problemCount > 0 ? (
        <section class="alert" aria-labelledby="problems-title">
          <h2 id="problems-title">{ti.problemsTitle(n(problemCount))}</h2>
          <ul class="problems">
            {view.missing.map((field) => (
              <li>
                <a href={`#column-${field}`}>{ti.missingColumn(ti.fields[field])}</a>
              </li>
            ))}
            {view.problems.map((p) => (
              <li>{p.text}</li>
            ))}
          </ul>
          <p>{ti.problemsHint}</p>
        </section>
      ) : (
        <p class="notice" role="status">
          {ti.noProblems(n(view.total))}
        </p>
      )}
      <form method="post" enctype="multipart/form-data" action={useHref(`${base(props)}/preview?lang=${props.lang}`)}>
        <input type="hidden" name="csv" value={view.csv} />
        <input type="hidden" name="name" value={view.name} />
        {view.checked ? <input type="hidden" name="checked" value={view.checked} /> : null}
        <fieldset>
          <legend>{ti.mappingTitle}</legend>
          <p class="hint">{ti.mappingHint}</p>
          <div class="mapping">
            {props.fields.map((field) => {
              const missing = view.missing.includes(field);
              return (
                <div class={missing ? 'field invalid' : 'field'}>
                  <label for={`column-${field}`}>
                    {ti.fields[field]} {view.required.includes(field) ? <span class="optional">{ti.needed}</span> : null}
                  </label>
                  {missing ? (
                    <p class="error" id={`column-${field}-error`}>
                      {ti.missingColumn(ti.fields[field])}
                    </p>
                  ) : null}
                  <select name={`column-${field}`} id={`column-${field}`} aria-invalid={missing ? 'true' : undefined} aria-describedby={missing ? `column-${field}-error` : undefined}>
                    <option value="">{ti.notImported}</option>
                    {view.header.map((name, i) => (
                      <option value={String(i)} selected={view.mapping[field] === i}>
                        {ti.column(i + 1, name)}
                      </option>
                    ))}
                  </select>
                </div>
              );
            })}
          </div>
          <button type="submit" class="secondary">
            {ti.checkAgain}
          </button>
        </fieldset>
        <div class="table-scroll import-preview" tabindex={0} role="region" aria-labelledby="preview-title">
          <table class="data">
            <caption id="preview-title">{ti.previewTitle(n(view.rows.length), n(view.total))}</caption>
            <thead>
              <tr>
                <th scope="col">{ti.row}</th>
                {shownFields.map((field) => (
                  <th scope="col">{ti.fields[field]}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {view.rows.map((row) => {
                const problems = view.problems.filter((p) => p.row === row.row);
                return (
                  <tr class={rowsWithProblems.has(row.row) ? 'has-problem' : undefined}>
                    <th scope="row">{row.row}</th>
                    {shownFields.map((field) => (
                      <td class={problems.some((p) => p.field === field) ? 'problem' : undefined}>{shorten(row.cells[field])}</td>
                    ))}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        {view.checked ? (
          <p>
            <button type="submit" formaction={useHref(`${base(props)}/run?lang=${props.lang}`)}>
              {ti.importButton(n(view.total))}
            </button>
          </p>
        ) : null}
      </form>
      <UploadForm {...props} error={null} title={ti.reuploadTitle} />
    </Layout>
  );
}

function outcomeText(ti: AdminImportsMessages, item: ItemResult): string {
  if (item.status === 'refused') return ti.refused;
  return item.categories.map((c) => ti.categoryOutcome(c.category, c.status === 'granted' ? ti.granted : ti.skipped[c.reason ?? 'already_granted'])).join(ti.outcomeSeparator);
}

export function ImportResultPage(props: Common & { replayed: boolean; result: ImportResult; rows: { row: number; email: string; item: ItemResult }[]; formatNumber(n: number): string }) {
  const { ti, result } = props;
  const n = props.formatNumber;
  return (
    <Layout lang={props.lang} title={`${ti.resultTitle} · ${props.site.name}`} languages={props.languages} languageLabel={props.languageLabel}>
      <BackLink path={`${base(props)}?lang=${props.lang}`} label={ti.title} />
      <h1>{ti.resultTitle}</h1>
      <div role="status">
        {props.replayed ? <p>{ti.replayed}</p> : null}
        <p class="tone-success">{ti.totals(n(result.granted), n(result.skipped), n(result.refused))}</p>
      </div>
      <div class="table-scroll" tabindex={0} role="region" aria-label={ti.outcome}>
        <table class="data">
          <thead>
            <tr>
              <th scope="col">{ti.row}</th>
              <th scope="col">{ti.fields.email}</th>
              <th scope="col">{ti.outcome}</th>
            </tr>
          </thead>
          <tbody>
            {props.rows.map((r) => (
              <tr class={r.item.status === 'refused' ? 'has-problem' : undefined}>
                <th scope="row">{r.row}</th>
                <td>{r.email}</td>
                <td>{outcomeText(ti, r.item)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p>
        <a href={useHref(`${base(props)}?lang=${props.lang}`)}>{ti.another}</a>
      </p>
    </Layout>
  );
}
