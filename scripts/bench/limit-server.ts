// The stack underneath assent with nothing of assent in it: the ceilings each path is compared
// with. Run as its own process, like the server, from the project's own packages:
//   read:  a bare Hono GET returning text
//   write: a bare Hono POST reading the body as text and doing one better-sqlite3 insert
//          (WAL, synchronous NORMAL: what openSqlite gives the server)
//   form:  the same with c.req.parseBody() instead of the text
//   node --import tsx scripts/bench/limit-server.ts read|write|form [DATABASE_PATH]
// Prints "listening PORT" once it accepts connections.
import { serve } from '@hono/node-server';
import BetterSqlite3 from 'better-sqlite3';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';

export type LimitKind = 'read' | 'write' | 'form';

const kind = process.argv[2] as LimitKind;
const app = new Hono();

if (kind === 'read') {
  app.get('*', (c) => c.text('ok'));
} else if (kind === 'write' || kind === 'form') {
  const sqlite = new BetterSqlite3(process.argv[3] ?? ':memory:');
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.exec('CREATE TABLE IF NOT EXISTS hits (id INTEGER PRIMARY KEY, body TEXT NOT NULL, at TEXT NOT NULL)');
  const insert = sqlite.prepare('INSERT INTO hits (body, at) VALUES (?, ?)');
  app.post('*', async (c) => {
    const body = kind === 'write' ? await c.req.text() : JSON.stringify(await c.req.parseBody({ all: true }));
    insert.run(body, new Date().toISOString());
    return c.text('ok');
  });
} else {
  console.error(`limit-server: unknown kind "${kind}" (read, write or form)`);
  process.exit(2);
}

const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => console.log(`listening ${info.port}`));
process.once('SIGTERM', () => server.close(() => process.exit(0)));
