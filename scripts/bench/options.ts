// npm run bench [-- flags]: what to measure, how hard and for how long.
export interface Options {
  contacts: number;
  connections: number;
  durationSeconds: number;
  scale: boolean;
  scaleContacts: [number, number];
  worker: boolean;
  workerContacts: number;
  out: string;
  keep: boolean;
}

export const USAGE = `npm run bench [-- flags]
  --contacts N           contacts seeded for the main run (default 100000)
  --connections N        autocannon connections, the same for every path and limit (default 50)
  --duration S           seconds per path and per limit (default 6)
  --scale-contacts A,B   the two sizes the scale part compares (default 10000,1000000)
  --no-scale             skip the scale part (its 1,000,000-contact seed takes a few minutes)
  --worker-contacts N    contacts seeded into the Worker's local D1 (default 10000)
  --no-worker            skip the npm run dev:worker part
  --out FILE             where the results go (default bench-results.json)
  --keep                 keep the seeded databases (the output says where)`;

/** Requests per second no path is expected to pass: how many distinct links each run gets. */
export const LINK_RATE_CEILING = 20_000;

export function parseOptions(args: readonly string[]): Options {
  const options: Options = {
    contacts: 100_000,
    connections: 50,
    durationSeconds: 6,
    scale: true,
    scaleContacts: [10_000, 1_000_000],
    worker: true,
    workerContacts: 10_000,
    out: 'bench-results.json',
    keep: false,
  };
  const count = (flag: string, raw: string | undefined, min: number) => {
    const n = Number(raw?.replace(/_/g, ''));
    if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`${flag} needs a whole number of at least ${min}, got "${raw ?? ''}"`);
    return n;
  };
  for (let i = 0; i < args.length; i++) {
    const flag = args[i]!;
    const next = () => args[++i];
    switch (flag) {
      case '--contacts':
        options.contacts = count(flag, next(), 100);
        break;
      case '--connections':
        options.connections = count(flag, next(), 1);
        break;
      case '--duration':
        options.durationSeconds = count(flag, next(), 1);
        break;
      case '--scale-contacts': {
        const [a, b, ...rest] = (next() ?? '').split(',');
        if (rest.length > 0) throw new UsageError('--scale-contacts takes two sizes, like 10000,1000000');
        options.scaleContacts = [count(flag, a, 100), count(flag, b, 100)];
        break;
      }
      case '--no-scale':
        options.scale = false;
        break;
      case '--worker-contacts':
        options.workerContacts = count(flag, next(), 100);
        break;
      case '--no-worker':
        options.worker = false;
        break;
      case '--out': {
        const out = next();
        if (!out) throw new UsageError('--out needs a file name');
        options.out = out;
        break;
      }
      case '--keep':
        options.keep = true;
        break;
      case '--help':
      case '-h':
        throw new UsageError('');
      default:
        throw new UsageError(`unknown flag "${flag}"`);
    }
  }
  return options;
}

export class UsageError extends Error {}

/** Distinct links signed per run: enough that no request repeats a contact within the duration. */
export const linkPool = (options: Pick<Options, 'durationSeconds'>) => options.durationSeconds * LINK_RATE_CEILING;
