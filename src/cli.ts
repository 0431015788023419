// Operator commands, run next to the service on the same database:
//   npm run cli -- keys rotate     re-encrypt personal data under the first ENCRYPTION_KEYS key
//   npm run cli -- ledger verify   check the sealed ledger; names the first bad event
//   npm run cli -- ledger seal     seal events now (the server also does it every few seconds)
//   npm run cli -- api-key create --site {site} [--label text] | --all-sites
//   npm run cli -- api-key list | api-key revoke {id}
//   npm run cli -- operator create --email E --role owner|editor|viewer [--site S]   prints a setup link
//   npm run cli -- operator list | operator disable --email E | operator reset --email E
//   npm run cli -- backup FILE [--force]   online backup of the database into FILE (no keys)
//   npm run cli -- proof verify FILE       check a saved proof bundle offline (no database, no keys)
import { readFile } from 'node:fs/promises';
import { parseConfig } from './config.ts';
import { migrate } from './db/migrate.ts';
import { openSqlite } from './db/sqlite.ts';
import { backupDatabase, BackupRefused } from './db/sqlite-backup.ts';
import type { Logger } from './deps.ts';
import { findSite } from './db/sites.ts';
import { createApiKey, listApiKeys, revokeApiKey } from './domain/api-keys.ts';
import { createFieldCipher } from './domain/field-cipher.ts';
import { sealLedger, verifyLedger, type LedgerReport } from './domain/ledger-seal.ts';
import { verifyProofBundle, type ProofReport } from './domain/proof-verify.ts';
import { randomId } from './domain/ids.ts';
import { createOperator, disableOperator, listOperators, OperatorError, resetOperator } from './domain/operators.ts';
import { reencryptAll } from './domain/reencrypt.ts';
import { loadOrCreateSecrets } from './secrets-file.ts';

const USAGE = [
  'usage: npm run cli -- keys rotate | ledger verify | ledger seal',
  '       npm run cli -- api-key create (--site {site} | --all-sites) [--label text] | api-key list | api-key revoke {id}',
  '       npm run cli -- operator create --email E --role owner|editor|viewer [--site S] | operator list',
  '       npm run cli -- operator disable --email E | operator reset --email E',
  '       npm run cli -- backup FILE [--force]',
  '       npm run cli -- proof verify FILE',
].join('\n');

const quiet: Logger = { info() {}, warn() {}, error: (message, error) => console.error(message, error ?? '') };

async function main(args: string[]): Promise<number> {
  // A backup needs only the database: no keys (they stay out of backups), no migrations.
  if (args[0] === 'backup') return backupCommand(args.slice(1), process.env.DATABASE_PATH?.trim() || './data/consent.db');
  // A saved bundle is checked on its own: no database, no keys, nothing of this deployment.
  if (args[0] === 'proof' && args[1] === 'verify') return proofVerifyCommand(args.slice(2));
  const command = args.slice(0, 2).join(' ');
  const commands = ['keys rotate', 'ledger verify', 'ledger seal', 'api-key create', 'api-key list', 'api-key revoke'];
  if (![...commands, ...OPERATOR_COMMANDS].includes(command)) {
    console.error(USAGE);
    return 2;
  }
  const env = process.env;
  const databasePath = env.DATABASE_PATH?.trim() || './data/consent.db';
  const config = parseConfig(env, loadOrCreateSecrets(env, databasePath, quiet));
  const { sqlite, db, atomic } = openSqlite(config.databasePath, { warn: (message) => console.error(`warning: ${message}`) });
  try {
    migrate(sqlite);
    const cipher = createFieldCipher(config.encryptionKeys);
    const clock = { now: () => new Date() };
    if (command.startsWith('api-key')) return await apiKeyCommand(command, args.slice(2), { db, clock });
    if (command.startsWith('operator')) return await operatorCommand(command, args.slice(2), { db, cipher, clock, config, newId: randomId });
    if (command === 'keys rotate') {
      const report = await reencryptAll({ db, cipher, clock }, { onBatch: (column, done) => console.log(`${column}: ${done}`) });
      const total = Object.values(report.reencrypted).reduce((a, b) => a + b, 0);
      console.log(`Re-encrypted ${total} values under key "${config.encryptionKeys[0]!.kid}".`);
      for (const [column, count] of Object.entries(report.reencrypted)) console.log(`  ${column}: ${count}`);
      return 0;
    }
    if (command === 'ledger seal') {
      let sealed = 0;
      for (let batch = await sealLedger({ db, atomic, clock }); batch > 0; batch = await sealLedger({ db, atomic, clock })) {
        sealed += batch;
      }
      console.log(`Sealed ${sealed} events.`);
      return 0;
    }
    const report = await verifyLedger({ db, cipher, config });
    console.log(describe(report));
    return report.ok ? 0 : 1;
  } finally {
    sqlite.close();
  }
}

async function apiKeyCommand(command: string, rest: string[], deps: Parameters<typeof createApiKey>[0]): Promise<number> {
  const option = (name: string) => {
    const index = rest.indexOf(name);
    return index >= 0 ? rest[index + 1] : undefined;
  };
  if (command === 'api-key create') {
    const site = option('--site');
    const allSites = rest.includes('--all-sites');
    if (!site === !allSites) {
      console.error('api-key create needs --site {site} or --all-sites (one of them)');
      return 2;
    }
    if (site && !(await findSite(deps.db, site))) {
      console.error(`No site "${site}".`);
      return 1;
    }
    const { id, key } = await createApiKey(deps, { siteId: site ?? null, label: option('--label') });
    console.log(`Created key ${id} for ${site ? `site "${site}"` : 'every site'}. It is shown only now:\n${key}`);
    return 0;
  }
  if (command === 'api-key revoke') {
    const id = rest[0];
    if (!id || !(await revokeApiKey(deps, id))) {
      console.error(`No active key "${id ?? ''}".`);
      return 1;
    }
    console.log(`Revoked key ${id}.`);
    return 0;
  }
  for (const key of await listApiKeys(deps)) {
    const scope = key.site_id ? `site ${key.site_id}` : 'every site';
    const state = key.revoked_at ? `revoked ${key.revoked_at}` : 'active';
    console.log(`${key.id}  ${scope}  ${state}  created ${key.created_at}${key.label ? `  ${key.label}` : ''}`);
  }
  return 0;
}

const OPERATOR_COMMANDS = ['operator create', 'operator list', 'operator disable', 'operator reset'];

async function operatorCommand(command: string, rest: string[], deps: Parameters<typeof createOperator>[0]): Promise<number> {
  const option = (name: string) => {
    const index = rest.indexOf(name);
    return index >= 0 ? rest[index + 1] : undefined;
  };
  try {
    if (command === 'operator list') {
      for (const operator of await listOperators(deps)) {
        console.log(`${operator.id}  ${operator.email}  ${operator.role}  ${operator.site ? `site ${operator.site}` : 'every site'}  ${operator.state}`);
      }
      return 0;
    }
    const email = option('--email') ?? '';
    if (command === 'operator create') {
      const { setupUrl } = await createOperator(deps, { email, role: option('--role') ?? '', siteId: option('--site') });
      console.log(`Created operator ${email.trim()}. Send them this setup link (valid for 24 hours, once; shown only now):\n${setupUrl}`);
      return 0;
    }
    if (command === 'operator reset') {
      const setupUrl = await resetOperator(deps, email);
      console.log(`Reset ${email}: the password and every session are gone. New setup link (24 hours, once):\n${setupUrl}`);
      return 0;
    }
    await disableOperator(deps, email);
    console.log(`Disabled ${email}: signed out everywhere, and sign-in refused (operator reset enables them again).`);
    return 0;
  } catch (error) {
    if (!(error instanceof OperatorError)) throw error;
    console.error(error.field ? `--${error.field}: ${error.message}` : error.message);
    return 1;
  }
}

async function backupCommand(rest: string[], databasePath: string): Promise<number> {
  const force = rest.includes('--force');
  const files = rest.filter((arg) => arg !== '--force');
  if (files.length !== 1 || files[0]!.startsWith('-')) {
    console.error(USAGE);
    return 2;
  }
  try {
    const report = await backupDatabase(databasePath, files[0]!, { force });
    const mib = (report.bytes / 1024 / 1024).toFixed(1);
    console.log(
      `Backed up ${databasePath} to ${report.file}: ${report.bytes} bytes (${mib} MiB, ${report.pages} pages of ${report.pageSize}), ` +
        `${report.contacts} contacts, ${report.events} ledger events. It holds no keys: keep TOKEN_SECRETS, LOOKUP_KEY and ENCRYPTION_KEYS elsewhere.`,
    );
    return 0;
  } catch (error) {
    if (!(error instanceof BackupRefused)) throw error;
    console.error(error.message);
    return 1;
  }
}

async function proofVerifyCommand(rest: string[]): Promise<number> {
  if (rest.length !== 1 || rest[0]!.startsWith('-')) {
    console.error(USAGE);
    return 2;
  }
  let bundle: unknown;
  try {
    bundle = JSON.parse(await readFile(rest[0]!, 'utf8'));
  } catch (error) {
    console.error(`PROOF NOT VERIFIED: cannot read ${rest[0]} as JSON (${error instanceof Error ? error.message : String(error)}).`);
    return 1;
  }
  const report = await verifyProofBundle(bundle);
  console.log(describeProof(report));
  return report.ok ? 0 : 1;
}

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

function describeProof(report: ProofReport): string {
  if (!report.ok) {
    const { eventId, message } = report.problem!;
    return `PROOF BROKEN: ${message}.${eventId === null ? '' : ` First bad event: ${eventId}.`}`;
  }
  const lines = [
    `Proof verified: ${report.events} events of contact ${report.contact} on site ${report.site}. Each canonical form hashes with ` +
      `the seal before it to its seal, every field shown is the one sealed, and ${count(report.wordings, 'wording')} and ` +
      `${count(report.forms, 'form')} hash to their names.`,
    report.uncounted === report.events
      ? "None of these events counts the contact's events before it (they were recorded before migration 0015), so the bundle alone cannot show that one was removed."
      : `${report.events - report.uncounted} of them count the contact's events before them, and every count holds: no event before the last of those was removed ` +
        `from the bundle${report.uncounted > 0 ? ` (${report.uncounted} carry no count: recorded before migration 0015)` : ''}. ` +
        'Events after the contact\'s last one would not show.',
    `${report.linked} of them follow the bundle's previous event directly in the ledger; the others follow other contacts' events.`,
    report.head ? `Ledger head at export: event ${report.head.eventId} ${report.head.hash}` : 'The ledger had no sealed event at export.',
    'This checks the bundle on its own. To tie it to the ledger, compare the head hash (or any seal) with what `npm run cli -- ledger verify` ' +
      'prints on the server, or with a head hash you kept.',
  ];
  return lines.join('\n');
}

function describe(report: LedgerReport): string {
  const counts = `${report.events} events, ${report.sealed} sealed, ${report.events - report.sealed} not yet sealed`;
  const head = report.head ? `\nhead: event ${report.head.eventId} ${report.head.hash}` : '';
  if (report.ok) return `Ledger verified: ${counts}.${head}`;
  const { kind, eventId } = report.problem!;
  const what = {
    altered: `event ${eventId} was altered, or an event before it was removed`,
    deleted: `event ${eventId} was deleted`,
    inserted: `event ${eventId} is not sealed although later events are: events were added out of order`,
    evidence_altered: `the evidence (IP or user agent) of event ${eventId} was altered`,
  }[kind];
  return `LEDGER BROKEN: ${what}. First bad event: ${eventId}. (${counts})`;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
