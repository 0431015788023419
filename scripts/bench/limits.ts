// The three limits, each measured in its own process with the same client, concurrency and
// duration as the paths they bound. Their RSS too: what the bare stack holds under tsx.
import { join } from 'node:path';
import { startChild } from './child.ts';
import { drive, type Figures, type Load } from './drive.ts';
import type { LimitKind } from './limit-server.ts';
import { limitTargets } from './paths.ts';
import { rssBytes, sampleRss } from './process-stats.ts';

export const LIMIT_KINDS: readonly LimitKind[] = ['read', 'write', 'form'];

export const LIMIT_NAMES: Record<LimitKind, string> = {
  read: 'bare Hono GET returning text',
  write: 'bare Hono POST, body as text + one better-sqlite3 insert (WAL, NORMAL)',
  form: 'the same with c.req.parseBody()',
};

export interface LimitFigures extends Figures {
  idleRssBytes: number;
  peakRssBytes: number;
}

export async function measureLimit(kind: LimitKind, load: Load, dir: string): Promise<LimitFigures> {
  const server = await startChild([process.execPath, '--import', 'tsx', 'scripts/bench/limit-server.ts', kind, join(dir, `limit-${kind}.db`)], {
    ready: /listening (\d+)/,
  });
  try {
    const idleRssBytes = rssBytes(server.pid);
    const rss = sampleRss(() => [server.pid]);
    const figures = await drive(`http://127.0.0.1:${server.match}`, limitTargets[kind](), load);
    rss.stop();
    return { ...figures, idleRssBytes, peakRssBytes: rss.peak() };
  } finally {
    await server.stop();
  }
}
