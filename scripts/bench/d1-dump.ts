// Turns a seeded SQLite database into a SQL file of INSERTs for `wrangler d1 execute --local
// --file`, so the Worker's local D1 holds the same rows the Node server was measured on. Only
// the rows: the schema comes from `wrangler d1 migrations apply` (the same migrations, and a
// test holds both runners to the same schema). Tables go parents first (D1 checks foreign keys),
// and each statement stays well under D1's 100 KB statement limit.
import BetterSqlite3 from 'better-sqlite3';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

const MAX_STATEMENT_BYTES = 50_000;
/** Kept by the migration runners themselves, or by SQLite. */
const SKIPPED = /^(sqlite_|d1_migrations$|_cf_)/;

export async function dumpRows(databasePath: string, sqlPath: string): Promise<{ tables: number; rows: number }> {
  const sqlite = new BetterSqlite3(databasePath, { readonly: true });
  const out = createWriteStream(sqlPath);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  let rows = 0;
  const tables = parentsFirst(sqlite);
  for (const table of tables) {
    const columns = (sqlite.prepare(`PRAGMA table_info("${table}")`).all() as { name: string }[]).map((c) => c.name);
    const head = `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES\n`;
    let batch: string[] = [];
    let bytes = 0;
    const flush = async () => {
      if (batch.length > 0) await write(`${head}${batch.join(',\n')};\n`);
      batch = [];
      bytes = 0;
    };
    for (const row of sqlite.prepare(`SELECT * FROM "${table}"`).raw().iterate() as Iterable<unknown[]>) {
      const tuple = `(${row.map(literal).join(', ')})`;
      if (bytes + tuple.length > MAX_STATEMENT_BYTES) await flush();
      batch.push(tuple);
      bytes += tuple.length + 2;
      rows++;
    }
    await flush();
  }
  out.end();
  await once(out, 'finish');
  sqlite.close();
  return { tables: tables.length, rows };
}

/** Every data table, each after the tables its foreign keys point at. */
function parentsFirst(sqlite: BetterSqlite3.Database): string[] {
  const names = (sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[])
    .map((t) => t.name)
    .filter((name) => !SKIPPED.test(name));
  const parents = new Map(
    names.map((name) => [name, (sqlite.prepare(`PRAGMA foreign_key_list("${name}")`).all() as { table: string }[]).map((fk) => fk.table).filter((t) => t !== name)]),
  );
  const ordered: string[] = [];
  const visit = (name: string, path: string[]) => {
    if (ordered.includes(name) || path.includes(name)) return;
    for (const parent of parents.get(name) ?? []) visit(parent, [...path, name]);
    ordered.push(name);
  };
  for (const name of names) visit(name, []);
  return ordered;
}

function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (Buffer.isBuffer(value)) return `X'${value.toString('hex')}'`;
  return `'${String(value).replace(/'/g, "''")}'`;
}
