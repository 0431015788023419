// The CSV reader and writer behind the console's imports: RFC 4180 as spreadsheets save it, UTF-8
// only (with or without Excel's byte order mark), each record with its row number in the file.
import { describe, expect, it } from 'vitest';
import { csvRecord, csvText, parseCsv } from '../../src/domain/csv.ts';
import { guessMapping, importTemplate, readCsvTable, rowItems } from '../../src/domain/import-csv.ts';

const bytes = (text: string) => new TextEncoder().encode(text);
const cells = (text: string) => {
  const parsed = parseCsv(text);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.records.map((r) => r.cells);
};

describe('parseCsv', () => {
  it('reads quoted fields with commas, line breaks and doubled quotes, after CRLF or LF', () => {
    const read = csvText(bytes('a,b,c\r\n"x, y","line 1\r\nline 2","say ""yes"""\nplain,,""\n'));
    if (!read.ok) throw new Error(read.problem);
    expect(cells(read.text)).toEqual([
      ['a', 'b', 'c'],
      ['x, y', 'line 1\nline 2', 'say "yes"'],
      ['plain', '', ''],
    ]);
  });

  it('numbers records as a spreadsheet numbers rows: a quoted line break stays in its row, blank lines count', () => {
    const parsed = parseCsv('h\n"two\nlines"\n\nfour');
    expect(parsed).toEqual({
      ok: true,
      records: [
        { row: 1, cells: ['h'] },
        { row: 2, cells: ['two\nlines'] },
        { row: 3, cells: [''] },
        { row: 4, cells: ['four'] },
      ],
    });
  });

  it('keeps a last empty field, and reads a file without a final line break', () => {
    expect(cells('a,b,\n1,2,')).toEqual([
      ['a', 'b', ''],
      ['1', '2', ''],
    ]);
    expect(cells('a,"b"')).toEqual([['a', 'b']]);
  });

  it('says which row has an unclosed quote, or text after a closing one', () => {
    expect(parseCsv('a\nb\n"open,\nc')).toEqual({ ok: false, problem: 'unclosed_quote', row: 3 });
    expect(parseCsv('a\n"closed"x')).toEqual({ ok: false, problem: 'text_after_quote', row: 2 });
  });
});

describe('csvText', () => {
  it('drops Excel’s byte order mark and reads Japanese', () => {
    expect(csvText(bytes('\uFEFFemail,メモ\na@example.com,店頭で受付\n'))).toEqual({ ok: true, text: 'email,メモ\na@example.com,店頭で受付\n' });
  });

  it('refuses Shift_JIS, a workbook, a binary file and an empty one', () => {
    // "メール" in Shift_JIS, as Japanese Excel saves a plain "CSV".
    expect(csvText(Uint8Array.from([0x83, 0x81, 0x81, 0x5b, 0x83, 0x8b, 0x0a]))).toEqual({ ok: false, problem: 'not_utf8' });
    expect(csvText(Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]))).toEqual({ ok: false, problem: 'workbook' });
    expect(csvText(bytes('GIF89a\u0000\u0001'))).toEqual({ ok: false, problem: 'not_text' });
    expect(csvText(bytes('\uFEFF \r\n'))).toEqual({ ok: false, problem: 'empty' });
  });
});

describe('csvRecord', () => {
  it('quotes what needs quoting and reads back the same', () => {
    const fields = ['plain', 'a, b', 'say "hi"', 'two\nlines', ' padded', ''];
    expect(csvRecord(fields)).toBe('plain,"a, b","say ""hi""","two\nlines"," padded",\r\n');
    expect(cells(csvRecord(fields).replace(/\r\n/g, '\n'))).toEqual([fields]);
  });
});

describe('the import CSV', () => {
  it('maps the template’s headers to themselves and reads its example row into an item', () => {
    const template = importTemplate(['newsletter', 'offers'], '2026-10-01T09:00:00Z');
    const read = readCsvTable(bytes(template));
    if (!read.ok) throw new Error(read.problem);
    const mapping = guessMapping(read.table.header);
    expect(Object.values(mapping)).toEqual([0, null, null, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(rowItems(read.table, mapping)).toEqual([
      {
        email: 'alice@example.com',
        categories: ['newsletter', 'offers'],
        method: 'paper',
        occurredAt: '2026-10-01T09:00:00Z',
        evidence: 'Signed form #1234, kept at the Shibuya shop',
        consentText: 'Yes, send me news and offers by email. I can unsubscribe at any time.',
        locale: 'en',
        basis: 'express',
      },
    ]);
  });

  it('guesses other spellings and Japanese headers, and leaves unknown columns out', () => {
    expect(guessMapping(['Memo', 'E-Mail Address', 'カテゴリー', '同意日時', '取得方法'])).toMatchObject({
      email: 1,
      categories: 2,
      occurredAt: 3,
      method: 4,
      evidence: null,
    });
  });

  it('splits categories on semicolons, spaces or commas, and skips blank rows (keeping row numbers)', () => {
    const read = readCsvTable(bytes('email,categories\n,\n b@example.com ,"newsletter; offers"\n,,\nc@example.com,newsletter offers,extra'));
    if (!read.ok) throw new Error(read.problem);
    expect(read.table.rows.map((r) => r.row)).toEqual([3, 5]);
    expect(rowItems(read.table, { ...guessMapping(read.table.header) })).toEqual([
      { email: 'b@example.com', categories: ['newsletter', 'offers'] },
      { email: 'c@example.com', categories: ['newsletter', 'offers'] },
    ]);
  });

  it('says when there is a header and no row', () => {
    expect(readCsvTable(bytes('email,categories\n\n,\n'))).toEqual({ ok: false, problem: 'no_rows' });
  });
});
