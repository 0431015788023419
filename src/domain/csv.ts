// CSV as RFC 4180 writes it (and Excel, Numbers and Google Sheets save it): fields separated by
// commas, records by CRLF or LF, a field in double quotes may hold commas, line breaks and
// doubled quotes (""). Files must be UTF-8: Excel's "CSV UTF-8" adds a byte order mark, which
// goes; Japanese Excel's plain "CSV" is Shift_JIS, which is refused with a way out, not guessed.

export type CsvTextProblem = 'empty' | 'not_utf8' | 'workbook' | 'not_text';

/** The file's text, line breaks as LF, or why it is not a UTF-8 CSV. */
export function csvText(bytes: Uint8Array): { ok: true; text: string } | { ok: false; problem: CsvTextProblem } {
  // An .xlsx (or any zip) starts PK\x03\x04: say "save as CSV", not "not UTF-8".
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) return { ok: false, problem: 'workbook' };
  let text: string;
  try {
    // fatal: a Shift_JIS file must be refused, not read as replacement characters.
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return { ok: false, problem: 'not_utf8' };
  }
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  // Text has no NULs or other C0 controls besides tab and line breaks: this is some binary file.
  if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/.test(text)) return { ok: false, problem: 'not_text' };
  // One line break everywhere, inside quoted fields too: a form posts its fields back with CRLF,
  // and the same file must read the same at every step.
  text = withLfBreaks(text);
  if (text.trim() === '') return { ok: false, problem: 'empty' };
  return { ok: true, text };
}

/** Every CRLF or lone CR as LF: a browser posts a form's fields back with CRLF line breaks. */
export function withLfBreaks(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

export interface CsvRecord {
  /** The record's number in the file, the header being 1 (a spreadsheet's row number). */
  row: number;
  cells: string[];
}

export type CsvParse = { ok: true; records: CsvRecord[] } | { ok: false; problem: 'unclosed_quote' | 'text_after_quote'; row: number };

/** Every record of the text, blank lines included (a spreadsheet counts them as rows). */
export function parseCsv(text: string): CsvParse {
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = '';
  let i = 0;
  const endRecord = () => {
    cells.push(cell);
    records.push({ row: records.length + 1, cells });
    cells = [];
    cell = '';
  };
  while (i < text.length) {
    const char = text[i]!;
    if (char === '"' && cell === '') {
      // A quoted field: up to the quote that is not doubled.
      let j = i + 1;
      for (;;) {
        const close = text.indexOf('"', j);
        if (close === -1) return { ok: false, problem: 'unclosed_quote', row: records.length + 1 };
        if (text[close + 1] === '"') {
          cell += text.slice(j, close + 1);
          j = close + 2;
          continue;
        }
        cell += text.slice(j, close);
        i = close + 1;
        break;
      }
      const next = text[i];
      if (next !== undefined && next !== ',' && next !== '\n') return { ok: false, problem: 'text_after_quote', row: records.length + 1 };
      // An empty quoted field ("") must not be read as the start of another quoted one.
      if (next === ',') {
        cells.push(cell);
        cell = '';
        i++;
      } else if (next === '\n') {
        endRecord();
        i++;
      } else {
        endRecord();
      }
      continue;
    }
    if (char === ',') {
      cells.push(cell);
      cell = '';
    } else if (char === '\n') {
      endRecord();
    } else {
      cell += char;
    }
    i++;
  }
  // The last record, unless the text ended with its line break.
  if (cell !== '' || cells.length > 0 || (text.length > 0 && !text.endsWith('\n') && !text.endsWith('"'))) endRecord();
  return { ok: true, records };
}

/** One record, each field quoted when it needs to be, ended by CRLF (RFC 4180). */
export function csvRecord(fields: readonly string[]): string {
  return fields.map((field) => (/[",\r\n]/.test(field) || /^\s|\s$/.test(field) ? `"${field.replace(/"/g, '""')}"` : field)).join(',') + '\r\n';
}
