// Pieces every console page uses: the link back up, a notice of what just happened, an error,
// a secret or link shown this once, and a table of rows.
import type { Child } from 'hono/jsx';
import type { AdminMessages } from '../../src/i18n/admin.ts';
import type { AdminSiteMessages } from '../../src/i18n/admin-site.ts';
import { useHref } from '../base-url.ts';
import type { LanguageLink } from '../layout.tsx';

/** What a page about one site's settings or categories is drawn with: its words and its site. */
export interface SiteFormFrame {
  lang: string;
  t: AdminMessages;
  s: AdminSiteMessages;
  languages: LanguageLink[];
  languageLabel: string;
  site: { id: string; name: string };
}

export function BackLink(props: { path: string; label: string }) {
  return (
    <p>
      <a href={useHref(props.path)}>{props.label}</a>
    </p>
  );
}

export function Notice(props: { text: string | null }) {
  return props.text ? (
    <p class="tone-success" role="status">
      {props.text}
    </p>
  ) : null;
}

export function Alert(props: { text: string | null }) {
  return props.text ? (
    <p class="error" role="alert">
      {props.text}
    </p>
  ) : null;
}

/** A key, a secret or a setup link that is never shown again: what it is, then the value. */
export function ShownOnce(props: { what: string; value: string | null }) {
  return props.value ? (
    <div role="status">
      <p class="tone-success">{props.what}</p>
      <p>
        <code class="hash">{props.value}</code>
      </p>
    </div>
  ) : null;
}

/**
 * Rows under column headings. With a label, the table sits in a region a keyboard can focus, so
 * that it can be scrolled when it is wider than the screen.
 */
export function DataTable(props: { columns: readonly string[]; rows: readonly (readonly Child[])[]; label?: string }) {
  const table = (
    <table>
      <thead>
        <tr>
          {props.columns.map((name) => (
            <th scope="col">{name}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {props.rows.map((cells) => (
          <tr>
            {cells.map((cell) => (
              <td>{cell}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
  return props.label ? (
    <div class="table-scroll" tabindex={0} role="region" aria-label={props.label}>
      {table}
    </div>
  ) : (
    table
  );
}
