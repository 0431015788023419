// What the app needs from its runtime. node.ts and worker.ts build it; tests build it with an
// in-memory database, a memory mailer and a fixed clock.
import type { CompiledQuery, Kysely } from 'kysely';
import type { Config } from './config.ts';
import type { Database } from './db/schema.ts';
import type { FieldCipher } from './domain/field-cipher.ts';
import type { Tokens } from './domain/tokens.ts';
import type { Mailer } from './mail/mailer.ts';
import type { SmsSender } from './sms/sender.ts';

export interface Clock {
  now(): Date;
}

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

export interface Deps {
  db: Kysely<Database>;
  /** Runs the compiled queries all or nothing (D1: DB.batch; Node: a better-sqlite3 transaction). */
  atomic(queries: readonly CompiledQuery[]): Promise<void>;
  mailer: Mailer;
  clock: Clock;
  tokens: Tokens;
  /** Encrypts personal data at rest. */
  cipher: FieldCipher;
  config: Config;
  log: Logger;
  /** A new opaque identifier (random). */
  newId(): string;
  /** Tells the outbox sender that mail was queued, so it need not wait for its next poll. */
  mailQueued(): void;
  /**
   * What sends the SMS outbox: Twilio, or the dev outbox on a local trial; null: SMS is off
   * (config.smsEnabled is false, and nothing should be queued). Optional only so that deps built
   * before SMS (a few tests, the bench) still type-check: absent means null.
   */
  sms?: SmsSender | null;
  /** Tells the SMS sender that an SMS was queued; absent: nobody to tell. */
  smsQueued?(): void;
}
