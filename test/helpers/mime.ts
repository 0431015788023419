// Builds the RFC 5322 / MIME message a mailbox receives from what we hand the mailer, so tests
// can read the headers and parts the way a mail client or a spam filter does. It follows the
// Resend adapter (src/mail/resend-mailer.ts): Reply-To travels as a field of its own, the other
// headers as given. nodemailer's MailComposer writes what a provider writes: multipart/alternative
// with text/plain then text/html in UTF-8 (quoted-printable or base64, whichever is shorter),
// encoded words for non-ASCII subjects and display names, Date, Message-ID, MIME-Version.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { OutgoingMail } from '../../src/mail/mailer.ts';
import { addressOf } from '../../src/mail/sender-identity.ts';

export interface MimeOptions {
  /** The Date header and the receiving hop's time; now by default (spam filters compare them with their clock). */
  date?: Date;
}

/** The receiving server's hop, as every delivered message carries one (Resend sends through Amazon SES). */
function receivedHeader(mail: OutgoingMail, date: Date): string {
  const to = mail.to[0] ?? 'unknown@example.com';
  return (
    'from a8-33.smtp-out.amazonses.com (a8-33.smtp-out.amazonses.com [54.240.8.33]) ' +
    `by mx.example.com (Postfix) with ESMTPS id 4XyZ1a2B3c for <${to}>; ${date.toUTCString().replace('GMT', '+0000')}`
  );
}

/** The message as raw RFC 5322 text with CRLF line ends. */
export async function buildMime(mail: OutgoingMail, options: MimeOptions = {}): Promise<string> {
  const date = options.date ?? new Date();
  const { 'Reply-To': replyTo, ...headers } = mail.headers;
  const domain = addressOf(mail.from).split('@')[1] ?? 'localhost';
  const composer = new MailComposer({
    from: mail.from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    ...(replyTo ? { replyTo } : {}),
    date,
    messageId: `<${mail.id}@${domain}>`,
    headers: { Received: receivedHeader(mail, date), ...headers },
    newline: 'win',
  });
  return (await composer.compile().build()).toString('utf8');
}

export interface SpamReport {
  score: number;
  /** The rules that fired, as "NAME (points)". */
  rules: string[];
  /** SpamAssassin's "Content analysis details" table. */
  details: string;
}

/** Where Debian keeps the plugin loads (*.pre) the scores depend on. */
const DEBIAN_SITE_CONFIG = '/etc/spamassassin';

/** Why spam scores cannot be taken here, or null when Debian's spamassassin is installed. */
export function spamAssassinMissing(): string | null {
  if (spawnSync('spamassassin', ['-V'], { encoding: 'utf8' }).status !== 0) return 'spamassassin is not on PATH';
  if (!existsSync(DEBIAN_SITE_CONFIG)) return `spamassassin is not installed as Debian installs it (no ${DEBIAN_SITE_CONFIG})`;
  return null;
}

/**
 * Scores a message with the shipped rules and the plugins Debian loads, nothing learnt and
 * nothing looked up: a site config of Debian's plugin loads (/etc/spamassassin/*.pre: an empty
 * --siteconfigpath would load no plugins, and every eval rule would silently not run) and a
 * local.cf that turns Bayes and network tests off, and nothing else (so a machine's own local.cf
 * does not change the score), no user preferences, -L for local tests only.
 */
export function spamScore(raw: string): SpamReport {
  const dir = mkdtempSync(join(tmpdir(), 'assent-sa-'));
  try {
    for (const name of readdirSync(DEBIAN_SITE_CONFIG)) {
      if (name.endsWith('.pre')) copyFileSync(join(DEBIAN_SITE_CONFIG, name), join(dir, name));
    }
    writeFileSync(join(dir, 'local.cf'), 'use_bayes 0\nbayes_auto_learn 0\nskip_rbl_checks 1\n');
    writeFileSync(join(dir, 'user_prefs'), '');
    const run = spawnSync('spamassassin', ['-t', '-L', '-x', `--siteconfigpath=${dir}`, '-p', join(dir, 'user_prefs')], {
      input: raw,
      encoding: 'utf8',
      env: { ...process.env, HOME: dir },
      maxBuffer: 16 * 1024 * 1024,
    });
    if (run.status !== 0) throw new Error(`spamassassin exited ${run.status}: ${run.stderr}`);
    return parseReport(run.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Reads the score from X-Spam-Status and the rules from the report table. */
export function parseReport(output: string): SpamReport {
  const status = /^X-Spam-Status: (?:Yes|No), score=(-?[\d.]+)/m.exec(output);
  if (!status) throw new Error(`no X-Spam-Status in spamassassin's output:\n${output.slice(0, 2000)}`);
  const table = /Content analysis details:[\s\S]*?\n\s*pts rule name[^\n]*\n\s*-+ -+ -+\n([\s\S]*?)(?:\n\s*\n|$)/.exec(output);
  const details = table?.[1] ?? '';
  const rules = [...details.matchAll(/^\s*(-?[\d.]+)\s+([A-Z0-9_]+)\s/gm)].map((m) => `${m[2]} (${m[1]})`);
  return { score: Number(status[1]), rules, details };
}
