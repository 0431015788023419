// A CSV of consents collected elsewhere, read into the items of an import (import-consents.ts):
// which column holds which field (guessed from the header, the operator may change it), one item
// per non-blank row, and the template a sender fills in. The rules an item must follow are not
// here: the import's schema and checks judge what this makes. A mobile number may be written as
// dialled in the site's country (090-1234-5678): it becomes E.164 here, as the import takes it.
import { isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { normalisePhone } from '../sms/phone.ts';
import { csvRecord, parseCsv, csvText, withLfBreaks, type CsvRecord, type CsvTextProblem } from './csv.ts';

/** An import item's fields, in the order the template and the mapping show them. */
export const IMPORT_FIELDS = ['email', 'phone', 'channel', 'categories', 'method', 'occurredAt', 'evidence', 'consentText', 'locale', 'basis', 'relationshipAt', 'sourceUrl'] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

/** The column (0-based) each field comes from; null: not in the file. */
export type ColumnMapping = Record<ImportField, number | null>;

/** Several categories in one cell: separated by ";" (or spaces, or commas inside quotes). */
export const CATEGORY_SEPARATOR = ';';

export interface CsvTable {
  header: string[];
  /** The rows after the header, blank ones left out, each with its row number in the file. */
  rows: CsvRecord[];
}

export type CsvTableProblem = CsvTextProblem | 'unclosed_quote' | 'text_after_quote' | 'no_rows';

export function readCsvTable(bytes: Uint8Array): { ok: true; text: string; table: CsvTable } | { ok: false; problem: CsvTableProblem; row?: number } {
  const decoded = csvText(bytes);
  if (!decoded.ok) return decoded;
  const table = tableOf(decoded.text);
  return table.ok ? { ok: true, text: decoded.text, table: table.table } : table;
}

/** The table of a text csvText made (the form carries that text between the steps). */
export function tableOf(text: string): { ok: true; table: CsvTable } | { ok: false; problem: CsvTableProblem; row?: number } {
  const parsed = parseCsv(withLfBreaks(text));
  if (!parsed.ok) return { ok: false, problem: parsed.problem, row: parsed.row };
  const [first, ...rest] = parsed.records;
  const rows = rest.filter((record) => record.cells.some((cell) => cell.trim() !== ''));
  if (!first || rows.length === 0) return { ok: false, problem: 'no_rows' };
  return { ok: true, table: { header: first.cells.map((name) => name.trim()), rows } };
}

// Header names a spreadsheet might use for each field, compared without case, spaces or
// punctuation; the template's own headers are the field names.
const NAMES: Record<ImportField, string[]> = {
  email: ['email', 'emailaddress', 'mail', 'mailaddress', 'メールアドレス', 'メール', 'eメール'],
  phone: ['phone', 'phonenumber', 'mobile', 'mobilenumber', 'mobilephone', 'cell', 'cellphone', 'tel', 'telephone', '携帯電話番号', '携帯番号', '携帯電話', '携帯', '電話番号', '電話'],
  channel: ['channel', 'medium', 'チャネル', 'チャンネル', '配信チャネル'],
  categories: ['categories', 'category', 'lists', 'list', 'カテゴリー', 'カテゴリ', '種類'],
  method: ['method', 'how', '方法', '取得方法', '同意方法'],
  occurredAt: ['occurredat', 'consentedat', 'consentdate', 'date', 'time', '同意日時', '日時', '同意日'],
  evidence: ['evidence', 'proof', '証拠', '証跡', '記録'],
  consentText: ['consenttext', 'wording', 'consentwording', '文言', '同意文言'],
  locale: ['locale', 'language', 'lang', '言語'],
  basis: ['basis', 'legalbasis', '根拠', '同意の根拠'],
  relationshipAt: ['relationshipat', 'purchasedate', 'inquirydate', '購入日', '問い合わせ日', '取引日'],
  sourceUrl: ['sourceurl', 'url', 'source', 'page', '取得元', 'ページ'],
};

const squash = (name: string) => name.normalize('NFKC').toLowerCase().replace(/[\s_\-.:()（）・]/g, '');

export function guessMapping(header: readonly string[]): ColumnMapping {
  const taken = new Set<number>();
  const mapping = {} as ColumnMapping;
  for (const field of IMPORT_FIELDS) {
    const index = header.findIndex((name, i) => !taken.has(i) && NAMES[field].includes(squash(name)));
    mapping[field] = index === -1 ? null : index;
    if (index !== -1) taken.add(index);
  }
  return mapping;
}

/**
 * Each row as an item for the import's schema: a cell's spaces at either end go, and an empty
 * cell is a field left out. The wording is kept as written, it is what the person read. A number
 * read in `defaultCountry` (the site's) is written in E.164; one that does not read stays as
 * written, for the import's checks to name. Without a column for numbers, an empty address is
 * the empty text the schema refuses, as before numbers existed.
 */
export function rowItems(table: CsvTable, mapping: ColumnMapping, defaultCountry: string | null = null): Record<string, unknown>[] {
  return table.rows.map(({ cells }) => {
    const item: Record<string, unknown> = {};
    for (const field of IMPORT_FIELDS) {
      const column = mapping[field];
      const raw = column === null ? undefined : cells[column];
      if (raw === undefined || raw.trim() === '') {
        if (field === 'categories') item.categories = [];
        if (field === 'email' && mapping.phone === null) item.email = '';
        continue;
      }
      if (field === 'categories') item.categories = raw.split(/[;,\s]+/).filter((key) => key !== '');
      else if (field === 'phone') item.phone = asE164(raw, defaultCountry); else if (field === 'channel') item.channel = raw.trim().toLowerCase();
      else item[field] = field === 'consentText' ? raw : raw.trim();
    }
    return item;
  });
}

/**
 * A number as the import takes it: E.164. One that is a number but not a mobile's is written in
 * E.164 too, so that the import's checks say so rather than call it badly written.
 */
function asE164(raw: string, defaultCountry: string | null): string {
  const phone = normalisePhone(raw, defaultCountry);
  if (phone.ok) return phone.e164;
  const country = defaultCountry?.toUpperCase();
  const parsed = phone.reason === 'not_mobile' ? parsePhoneNumberFromString(raw.trim().normalize('NFKC'), { defaultCountry: country && isSupportedCountry(country) ? country : undefined, extract: false }) : undefined;
  return parsed?.number ?? raw.trim();
}

/** Rows with more cells than the header has names, whose extra cells hold something. */
export function overlongRows(table: CsvTable): { row: number; cells: number }[] {
  return table.rows
    .filter(({ cells }) => cells.length > table.header.length && cells.slice(table.header.length).some((cell) => cell.trim() !== ''))
    .map(({ row, cells }) => ({ row, cells: cells.length }));
}

/**
 * The template: every field's column, and one example row with the site's own category keys.
 * A site that offers categories by SMS (`smsCategoryKeys`) also gets the number and channel
 * columns and a second example, a text message's; the others' template has no column they need not fill.
 */
export function importTemplate(categoryKeys: readonly string[], occurredAt: string, smsCategoryKeys: readonly string[] = []): string {
  const example: Record<ImportField, string> = {
    email: 'alice@example.com',
    phone: '',
    channel: '',
    categories: categoryKeys.slice(0, 2).join(CATEGORY_SEPARATOR),
    method: 'paper',
    occurredAt,
    evidence: 'Signed form #1234, kept at the Shibuya shop',
    consentText: 'Yes, send me news and offers by email. I can unsubscribe at any time.',
    locale: 'en',
    basis: 'express',
    relationshipAt: '',
    sourceUrl: '',
  };
  const sms = smsCategoryKeys.length > 0;
  const fields = sms ? IMPORT_FIELDS : IMPORT_FIELDS.filter((field) => field !== 'phone' && field !== 'channel');
  const rows = [example];
  if (sms) {
    rows.push({
      ...example,
      email: '',
      phone: '+819012345678',
      channel: 'sms',
      categories: smsCategoryKeys.slice(0, 2).join(CATEGORY_SEPARATOR),
      evidence: 'Signed form #1235, kept at the Shibuya shop',
      consentText: 'Yes, send me news and offers by text message. I can reply STOP at any time.',
    });
  }
  // A byte order mark, so that Excel opens the UTF-8 file as UTF-8 (Japanese included).
  return '\uFEFF' + csvRecord(fields) + rows.map((row) => csvRecord(fields.map((field) => row[field]))).join('');
}
