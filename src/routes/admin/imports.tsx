// A site's CSV import in the console: upload a file, say which column holds which field, see the
// first rows and every problem by row and field, then import all rows or none. The rows become
// the items of the API's import: checked by the same schema (ImportItemFields), the same checks
// without writing (checkImport), and written by the same use-case (importConsents), with the
// operator as the actor. Every step that shows the file's addresses, and the import, is audited.
//
// Between the steps the file travels in the page, not on the server: the preview's form carries
// the CSV text in a hidden field (posted back as multipart, which does not inflate it as
// url-encoding would). The page is private and no-store like every console page, the operator
// uploaded that very text a moment ago, and nothing is kept anywhere when they walk away; a
// server-side copy would be personal data to encrypt, expire and clean up, on Node and on D1.
import { Hono } from 'hono';
import type { AppContext, AppEnv } from '../../app-env.ts';
import { listCategories } from '../../db/sites.ts';
import type { SiteRow } from '../../db/schema.ts';
import { checkImport, importConsents, MAX_IMPORT_ITEMS, type ImportDetail, type ImportItem, type ImportProblem } from '../../domain/import-consents.ts';
import {
  guessMapping,
  IMPORT_FIELDS,
  importTemplate,
  overlongRows,
  readCsvTable,
  rowItems,
  tableOf,
  type ColumnMapping,
  type CsvTable,
  type CsvTableProblem,
  type ImportField,
} from '../../domain/import-csv.ts';
import { withLfBreaks } from '../../domain/csv.ts';
import { sha256Hex } from '../../domain/ids.ts';
import { adminImportsMessages, type AdminImportsMessages } from '../../i18n/admin-imports.ts';
import { formatDateTime } from '../../i18n/index.ts';
import { ImportResultPage, ImportsPage, PreviewPage, type PreviewView, type RecentImport, type ShownProblem } from '../../../views/admin/imports-pages.tsx';
import { ImportFields, ImportItemFields } from '../../domain/import-fields.ts';
import { formText, languageLinks, notFoundPage, page, readForm } from '../render.tsx';
import { auditContact, copy, mayChange, siteFor, siteToChange } from './shared.ts';

export const importPages = new Hono<AppEnv>();

const PREVIEW_ROWS = 10;

/**
 * What the import's schema needs: a field it refuses to go without must have its column. So
 * must the address, unless a column holds mobile numbers (an item needs one or the other).
 */
const REQUIRED: readonly ImportField[] = IMPORT_FIELDS.filter((field) => field === 'email' || !ImportItemFields.shape[field].safeParse(undefined).success);
const missingColumns = (mapping: ColumnMapping) => REQUIRED.filter((field) => mapping[field] === null && !(field === 'email' && mapping.phone !== null));

/** The words of this page, and the language links of its GET page (a POST answer has no URL of its own). */
function words(c: AppContext, site: SiteRow) {
  const copied = copy(c);
  return { ...copied, languages: languageLinks(`${c.req.path.replace(/\/imports(\/.*)?$/, '')}/imports`, copied.lang), ti: adminImportsMessages(copied.lang), site, fields: IMPORT_FIELDS };
}

const count = (c: AppContext, n: number) => n.toLocaleString(copy(c).lang);

async function uploadAnswer(c: AppContext, site: SiteRow, status: 200 | 400, error: string | null) {
  const w = words(c, site);
  return page(c, status, <ImportsPage {...w} mayChange={mayChange(c.var.operator)} maxRows={count(c, MAX_IMPORT_ITEMS)} categories={await categoryKeys(c, site)} recent={await recentImports(c, site)} error={error} />);
}

importPages.get('/', async (c) => {
  const site = await siteFor(c);
  if (!site) return notFoundPage(c);
  return uploadAnswer(c, site, 200, null);
});

importPages.get('/template.csv', async (c) => {
  const site = await siteFor(c);
  if (!site) return notFoundPage(c);
  // An example moment that is never in the future: yesterday, to the second.
  const yesterday = new Date(c.var.deps.clock.now().getTime() - 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const categories = await categoryKeys(c, site);
  const keysOn = (channel: 'email' | 'sms') => categories.filter((category) => category.channels.includes(channel)).map((category) => category.key);
  return c.body(importTemplate(keysOn('email'), yesterday, keysOn('sms')), 200, {
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="assent-import-${site.id}.csv"`,
  });
});

// Step 1: the file arrives; its columns are guessed and its rows checked.
importPages.post('/', async (c) => {
  const site = await siteToChange(c);
  if (site instanceof Response) return site;
  const ti = words(c, site).ti;
  const form = await readForm(c);
  const file = form?.file;
  if (!(file instanceof File) || file.size === 0) return uploadAnswer(c, site, 400, file instanceof File && file.name ? ti.fileProblems.empty : ti.fileProblems.none);
  const read = readCsvTable(new Uint8Array(await file.arrayBuffer()));
  if (!read.ok) return uploadAnswer(c, site, 400, fileProblem(ti, read.problem, read.row));
  if (read.table.rows.length > MAX_IMPORT_ITEMS) {
    return uploadAnswer(c, site, 400, ti.fileProblems.tooMany(count(c, read.table.rows.length), count(c, MAX_IMPORT_ITEMS)));
  }
  const name = file.name.slice(0, 200);
  return previewAnswer(c, site, { name, text: read.text, table: read.table, mapping: guessMapping(read.table.header) });
});

/** The file and columns a preview's form posts back, read again as step 1 read them. */
async function postedFile(c: AppContext, site: SiteRow) {
  const ti = words(c, site).ti;
  const form = await readForm(c);
  const text = withLfBreaks(formText(form?.csv));
  const table = tableOf(text);
  if (!table.ok) return { problem: fileProblem(ti, table.problem, table.row) } as const;
  if (table.table.rows.length > MAX_IMPORT_ITEMS) return { problem: ti.fileProblems.tooMany(count(c, table.table.rows.length), count(c, MAX_IMPORT_ITEMS)) } as const;
  const mapping = {} as ColumnMapping;
  for (const field of IMPORT_FIELDS) {
    const chosen = formText(form?.[`column-${field}`]);
    const index = /^\d{1,4}$/.test(chosen) ? Number(chosen) : NaN;
    mapping[field] = index < table.table.header.length ? index : null;
  }
  return { name: formText(form?.name).slice(0, 200), text, table: table.table, mapping, checked: formText(form?.checked) } as const;
}

// Step 2 (as often as needed): the same file with other columns.
importPages.post('/preview', async (c) => {
  const site = await siteToChange(c);
  if (site instanceof Response) return site;
  const posted = await postedFile(c, site);
  if ('problem' in posted) return uploadAnswer(c, site, 400, posted.problem ?? null);
  return previewAnswer(c, site, posted);
});

// Step 3: all rows or none, through the API's use-case; pressed twice, the same import id replays.
importPages.post('/run', async (c) => {
  const site = await siteToChange(c);
  if (site instanceof Response) return site;
  const posted = await postedFile(c, site);
  if ('problem' in posted) return uploadAnswer(c, site, 400, posted.problem ?? null);
  const checked = await checkRows(c, site, posted.table, posted.mapping);
  // Only what the operator saw previewed is imported: other columns get a preview first.
  if (!checked.request || checked.request.importId !== posted.checked) {
    const ti = words(c, site).ti;
    return previewAnswer(c, site, posted, checked, checked.request ? ti.changed : null);
  }
  const outcome = await importConsents(c.var.deps, site.id, { operatorId: c.var.operator.id }, checked.request);
  if (outcome.kind === 'site_not_found') return notFoundPage(c);
  // Unreachable: the id is the content's hash, so the same id always comes with the same body.
  if (outcome.kind === 'conflict') throw new Error('a console import id came with another body');
  if (outcome.kind === 'invalid') {
    // The site changed between the preview and now (a category archived): show why.
    return previewAnswer(c, site, posted, { ...checked, request: null, problems: shownProblems(c, site, posted.table, [], outcome.details) });
  }
  const status = outcome.replayed ? 200 : 201;
  // As the API does: the audit row names every contact the answer is about.
  await auditContact(c, site, null, status, outcome.result.items.flatMap((item) => (item.status === 'imported' ? [item.contactId] : [])));
  const w = words(c, site);
  const rows = outcome.result.items.map((item) => {
    const imported = checked.request!.items[item.index];
    return { row: posted.table.rows[item.index]?.row ?? item.index + 2, email: imported?.email ?? imported?.phone ?? '', item };
  });
  return page(c, status, <ImportResultPage {...w} replayed={outcome.replayed} result={outcome.result} rows={rows} formatNumber={(n) => count(c, n)} />);
});

interface Checked {
  missing: ImportField[];
  problems: ShownProblem[];
  /** The import to make, when every row is right. */
  request: { importId: string; items: ImportItem[] } | null;
}

/**
 * Every problem of every row: the import's schema, then its checks. A row the schema refuses is
 * still checked for the rest: its refused fields stand in with values the checks pass over
 * (an address, a method needing nothing), and what the checks say of those fields is not shown.
 */
async function checkRows(c: AppContext, site: SiteRow, table: CsvTable, mapping: ColumnMapping): Promise<Checked> {
  const missing = missingColumns(mapping);
  if (missing.length > 0) return { missing, problems: [], request: null };
  const schemaProblems: { index: number; field: string; issue: SchemaIssue }[] = [];
  const refused = new Set<string>();
  const valid: [number, ImportItem][] = [];
  const checkable: [number, ImportItem][] = [];
  rowItems(table, mapping, site.default_country).forEach((raw, index) => {
    const parsed = ImportItemFields.safeParse(raw);
    if (parsed.success) {
      valid.push([index, parsed.data]);
      checkable.push([index, parsed.data]);
      return;
    }
    const fields = new Set(parsed.error.issues.map((issue) => String(issue.path[0] ?? '')));
    for (const issue of parsed.error.issues) schemaProblems.push({ index, field: String(issue.path[0] ?? ''), issue });
    for (const field of fields) refused.add(`${index}.${field}`);
    const rest = Object.fromEntries(Object.entries(raw).filter(([field]) => !fields.has(field)));
    const standIn = ImportItemFields.safeParse({ ...Object.fromEntries(Object.entries(STAND_IN).filter(([field]) => fields.has(field))), ...rest });
    if (standIn.success) checkable.push([index, standIn.data]);
  });
  const checked = await checkImport(c.var.deps, site.id, checkable);
  const details = (checked.kind === 'checked' ? checked.details : []).filter((detail) => !refused.has(detail.path.split('.').slice(1, 3).join('.')));
  const problems = shownProblems(c, site, table, schemaProblems, details);
  if (problems.length > 0 || valid.length !== table.rows.length) return { missing, problems, request: null };
  const items = valid.map(([, item]) => item);
  // The id is the content's: the same file with the same columns is the same import (replayed).
  const request = ImportFields.parse({ importId: `csv-${await sha256Hex(JSON.stringify(items))}`, items });
  return { missing, problems, request };
}

/** What a field the schema refused is checked as: nothing the checks would remark on. */
const STAND_IN = { email: 'stand-in@example.com', categories: ['-'], method: 'web_form', occurredAt: '2000-01-01T00:00:00Z' };

type SchemaIssue = { code: string; origin?: string; maximum?: number | bigint; values?: readonly unknown[] };

/** The problems in the page's words, each at its row in the file (the header being row 1), in file order. */
function shownProblems(c: AppContext, site: SiteRow, table: CsvTable, schema: { index: number; field: string; issue: SchemaIssue }[], details: ImportDetail[]): ShownProblem[] {
  const { ti, lang } = words(c, site);
  const p = ti.problems;
  const n = (value: number | bigint | undefined) => (value === undefined ? '?' : value.toLocaleString(lang));
  const schemaText = (issue: SchemaIssue) => {
    switch (issue.code) {
      case 'invalid_type':
        return p.empty;
      case 'too_small':
        return issue.origin === 'array' ? p.noCategory : p.empty;
      case 'too_big':
        return issue.origin === 'array' ? p.tooManyCategories(n(issue.maximum)) : p.tooLong(n(issue.maximum));
      case 'invalid_value':
        return p.oneOf((issue.values ?? []).join(', '));
      default:
        return p.invalid;
    }
  };
  const rowOf = (index: number) => table.rows[index]?.row ?? index + 2;
  const shown: ShownProblem[] = [
    ...overlongRows(table).map(({ row, cells }) => ({ row, field: null, text: ti.rowProblem(row, p.overlong(n(cells), n(table.header.length))) })),
    ...schema.map(({ index, field, issue }) => problemAt(ti, rowOf(index), field, schemaText(issue))),
    ...details.map((detail) => {
      const [, index, field] = detail.path.split('.');
      return problemAt(ti, rowOf(Number(index)), field ?? '', domainText(ti, detail.problem));
    }),
  ];
  const order = (field: ImportField | null) => (field === null ? -1 : IMPORT_FIELDS.indexOf(field));
  return shown.sort((a, b) => a.row - b.row || order(a.field) - order(b.field));
}

function problemAt(ti: AdminImportsMessages, row: number, name: string, text: string): ShownProblem {
  const field = (IMPORT_FIELDS as readonly string[]).includes(name) ? (name as ImportField) : null;
  return { row, field, text: field ? ti.problemLine(row, ti.fields[field], text) : ti.rowProblem(row, text) };
}

function domainText(ti: AdminImportsMessages, problem: ImportProblem): string {
  const p = ti.problems;
  switch (problem.code) {
    case 'category_unknown':
    case 'category_exempt':
    case 'category_archived':
      return p[problem.code](problem.key);
    case 'category_channel':
      return p.category_channel(problem.key, problem.channel);
    case 'needed_for_channel':
      return p.needed_for_channel(problem.channel);
    case 'required_offline':
      return p.required_offline(problem.method);
    case 'relationship_required':
    case 'relationship_not_for':
      return p[problem.code](problem.basis);
    default:
      return p[problem.code];
  }
}

function fileProblem(ti: AdminImportsMessages, problem: CsvTableProblem, row: number | undefined): string {
  const f = ti.fileProblems;
  if (problem === 'unclosed_quote' || problem === 'text_after_quote') return f[problem](row ?? 0);
  return f[problem];
}

async function previewAnswer(
  c: AppContext,
  site: SiteRow,
  file: { name: string; text: string; table: CsvTable; mapping: ColumnMapping },
  checked?: Checked,
  notice: string | null = null,
) {
  const result = checked ?? (await checkRows(c, site, file.table, file.mapping));
  // The page shows addresses from the file: the audit log says who looked at them.
  await auditContact(c, site, null, 200);
  const view: PreviewView = {
    name: file.name,
    csv: file.text,
    header: file.table.header,
    mapping: file.mapping,
    required: REQUIRED,
    total: file.table.rows.length,
    rows: file.table.rows.slice(0, PREVIEW_ROWS).map(({ row, cells }) => ({
      row,
      cells: Object.fromEntries(IMPORT_FIELDS.map((field) => [field, file.mapping[field] === null ? '' : (cells[file.mapping[field]!] ?? '')])) as Record<ImportField, string>,
    })),
    missing: result.missing,
    problems: result.problems,
    checked: result.request?.importId ?? null,
    notice,
  };
  return page(c, 200, <PreviewPage {...words(c, site)} view={view} formatNumber={(n) => count(c, n)} maxRows={count(c, MAX_IMPORT_ITEMS)} />);
}

/** The categories an import may grant: opt-in and not archived, in the site's order. */
async function categoryKeys(c: AppContext, site: SiteRow) {
  return (await listCategories(c.var.deps.db, site, copy(c).lang)).filter((category) => category.kind === 'opt_in' && !category.archived).map((category) => ({ key: category.key, name: category.name, channels: category.channels }));
}

async function recentImports(c: AppContext, site: SiteRow): Promise<RecentImport[]> {
  const { db, cipher } = c.var.deps;
  const rows = await db
    .selectFrom('imports')
    .leftJoin('operators', 'operators.id', 'imports.operator_id')
    .select(['imports.id', 'imports.created_at', 'imports.item_count', 'imports.api_key_id', 'imports.result', 'operators.email'])
    .where('imports.site_id', '=', site.id)
    .orderBy('imports.created_at', 'desc')
    .limit(10)
    .execute();
  const { lang, ti } = words(c, site);
  return Promise.all(
    rows.map(async (row) => {
      const result = JSON.parse(row.result) as { granted: number; skipped: number; refused: number };
      return {
        id: row.id,
        at: formatDateTime(lang, site.time_zone, new Date(row.created_at)),
        by: row.email ? await cipher.decrypt(row.email) : ti.byKey(row.api_key_id ?? '?'),
        rows: count(c, row.item_count),
        totals: ti.recentTotals(count(c, result.granted), count(c, result.skipped), count(c, result.refused)),
      };
    }),
  );
}
