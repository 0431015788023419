// The Node senders: each polls its queue, and wakes at once when a request queues something.
import type { Deps, Logger } from '../deps.ts';
import { deliverDueWebhooks } from '../webhooks/deliveries.ts';
import type { WebhookTransport } from '../webhooks/transport.ts';
import { deliverDueMail } from './outbox.ts';
import { deliverDueSms, type SmsSenderDeps } from '../sms/outbox.ts';

export interface OutboxLoop {
  wake(): void;
  stop(): Promise<void>;
}

/** A full batch means more may be due right now. */
const BATCH = 25;

export function startOutboxLoop(deps: Pick<Deps, 'db' | 'mailer' | 'clock' | 'log' | 'cipher'>, pollMs = 1000): OutboxLoop {
  return startSenderLoop('outbox', deps.log, async () => {
    const report = await deliverDueMail(deps, BATCH);
    return report.sent + report.retrying + report.failed;
  }, pollMs);
}

export function startWebhookLoop(deps: Pick<Deps, 'db' | 'clock' | 'log' | 'cipher'>, post: WebhookTransport, pollMs = 1000): OutboxLoop {
  return startSenderLoop('webhook', deps.log, async () => {
    const report = await deliverDueWebhooks(deps, post, BATCH);
    return report.delivered + report.retrying + report.failed;
  }, pollMs);
}

export function startSmsLoop(deps: SmsSenderDeps, pollMs = 1000): OutboxLoop {
  return startSenderLoop('sms', deps.log, async () => {
    const report = await deliverDueSms(deps, BATCH);
    return report.sent + report.retrying + report.failed;
  }, pollMs);
}

/** Runs `sendDue` (which returns how many rows it handled) every poll, never twice at once. */
function startSenderLoop(name: string, log: Logger, sendDue: () => Promise<number>, pollMs: number): OutboxLoop {
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
          if ((await sendDue()) >= BATCH) again = true;
        } while (again && !stopped);
      } catch (error) {
        log.error(`${name} sender failed; trying again at the next poll`, error);
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
