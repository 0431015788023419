// What a process holds and spends, read from /proc (Linux): its resident memory (VmRSS), its
// CPU time, and a sampler that keeps the peak RSS while a load runs. For the Worker, whose
// server is wrangler plus workerd, the same over a whole process tree.
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** Resident memory in bytes; 0 once the process is gone. */
export function rssBytes(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** User plus system CPU time in seconds. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: count fields after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** The process and all its descendants. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // exited while we looked
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]!) ?? []));
  return tree;
}

export interface Sampler {
  /** Highest RSS seen since start (or the last reset), in bytes. */
  peak(): number;
  reset(): void;
  stop(): void;
}

/** Samples the summed RSS of `pids()` every `intervalMs`, keeping the peak. */
export function sampleRss(pids: () => number[], intervalMs = 50): Sampler {
  let peak = 0;
  const sample = () => {
    const total = pids().reduce((sum, pid) => sum + rssBytes(pid), 0);
    if (total > peak) peak = total;
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    peak: () => (sample(), peak),
    reset: () => {
      peak = 0;
      sample();
    },
    stop: () => clearInterval(timer),
  };
}

/**
 * Waits until the processes use less than `share` of one core over `windowMs` (the server done
 * with its start-up work, the sealing and the mail a path left behind), or `timeoutMs` passed.
 * Returns the seconds it waited.
 */
export async function waitUntilIdle(pids: () => number[], options: { share?: number; windowMs?: number; timeoutMs?: number } = {}): Promise<number> {
  const { share = 0.05, windowMs = 1000, timeoutMs = 120_000 } = options;
  const started = performance.now();
  const cpu = () => pids().reduce((sum, pid) => sum + cpuSeconds(pid), 0);
  let before = cpu();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const after = cpu();
    if ((after - before) / (windowMs / 1000) < share || performance.now() - started > timeoutMs) break;
    before = after;
  }
  return (performance.now() - started) / 1000;
}
