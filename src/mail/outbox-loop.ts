// The Node sender: polls the outbox, and wakes at once when a request queues mail.
import type { Deps } from '../deps.ts';
import { deliverDueMail } from './outbox.ts';

export interface OutboxLoop {
  wake(): void;
  stop(): Promise<void>;
}

export function startOutboxLoop(deps: Pick<Deps, 'db' | 'mailer' | 'clock' | 'log' | 'cipher'>, pollMs = 1000): OutboxLoop {
  let stopped = false;
  let running: Promise<void> | null = null;
  let again = false;

  const run = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      try {
        do {
          again = false;
          const report = await deliverDueMail(deps);
          // A full batch means more may be due right now.
          if (report.sent + report.retrying + report.failed >= 25) again = true;
        } while (again && !stopped);
      } catch (error) {
        deps.log.error('outbox sender failed; trying again at the next poll', error);
      } finally {
        running = null;
      }
    })();
  };

  const timer = setInterval(run, pollMs);
  run();
  return {
    wake: () => setImmediate(run),
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
