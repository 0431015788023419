// D1 behind Kysely: a small dialect of our own over the binding (SQLite's compiler, adapter and
// introspector; D1 runs each query as its own statement). And the atomic batch, DB.batch(): all
// or nothing, statements in order on one connection, so a guard later in a batch sees what an
// earlier statement wrote (changes() and last_insert_rowid() included). D1 refuses BEGIN, so
// Kysely's transactions must never be used (nothing here calls db.transaction()).
import type { D1Database } from '@cloudflare/workers-types';
import {
  CompiledQuery,
  Kysely,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type QueryResult,
} from 'kysely';
import type { Database } from './schema.ts';

export interface D1Handle {
  db: Kysely<Database>;
  atomic(queries: readonly CompiledQuery[]): Promise<void>;
}

export function openD1(binding: D1Database): D1Handle {
  const db = new Kysely<Database>({ dialect: d1Dialect(binding) });
  return {
    db,
    async atomic(queries) {
      if (queries.length === 0) return;
      await binding.batch(queries.map((query) => binding.prepare(query.sql).bind(...bindable(query.parameters))));
    },
  };
}

function d1Dialect(binding: D1Database): Dialect {
  return {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => new D1Driver(binding),
    createIntrospector: (db) => new SqliteIntrospector(db),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  };
}

class D1Driver implements Driver {
  constructor(private readonly binding: D1Database) {}
  async init() {}
  async acquireConnection(): Promise<DatabaseConnection> {
    return new D1Connection(this.binding);
  }
  async beginTransaction(): Promise<void> {
    throw new Error('D1 has no interactive transactions: build the queries and hand them to deps.atomic()');
  }
  async commitTransaction(): Promise<void> {}
  async rollbackTransaction(): Promise<void> {}
  async releaseConnection() {}
  async destroy() {}
}

class D1Connection implements DatabaseConnection {
  constructor(private readonly binding: D1Database) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.binding.prepare(query.sql).bind(...bindable(query.parameters)).all<R>();
    const { changes, last_row_id: lastRowId } = result.meta;
    const writes = typeof changes === 'number' && changes > 0;
    return {
      rows: result.results ?? [],
      numAffectedRows: typeof changes === 'number' ? BigInt(changes) : undefined,
      insertId: writes && typeof lastRowId === 'number' ? BigInt(lastRowId) : undefined,
    };
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('D1 does not stream results');
  }
}

/** D1's limit: a query with more fails; pass a list as one JSON parameter (json_each) instead. */
export const D1_MAX_PARAMETERS = 100;

/** D1 binds only null, numbers, strings, booleans and byte arrays (undefined, bigint and Date throw). */
function bindable(parameters: readonly unknown[]): unknown[] {
  if (parameters.length > D1_MAX_PARAMETERS) {
    throw new Error(`D1 binds at most ${D1_MAX_PARAMETERS} parameters per query; this one has ${parameters.length}`);
  }
  return parameters.map((value) => {
    if (value === undefined) return null;
    if (typeof value === 'bigint') return Number(value);
    if (value instanceof Date) return value.toISOString();
    return value;
  });
}
