// The dev mailbox, only on a local trial: no email provider configured and a local BASE_URL. It
// lists the SMS of the dev outbox too (no Twilio, a local BASE_URL), which are also at
// /dev/sms.json, the only place to read them when mail goes to Resend.
import { Hono } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { listDevMail } from '../mail/dev-mailbox.ts';
import { listDevSms } from '../sms/dev-outbox.ts';
import { messages } from '../i18n/index.ts';
import { MailboxPage } from '../../views/pages/mailbox.tsx';
import { notFoundPage, page, requestLocale } from './render.tsx';

export const devMailboxRoutes = new Hono<AppEnv>();

devMailboxRoutes.get('/sms.json', async (c) => {
  if (!c.var.deps.config.devSms) return notFoundPage(c);
  return c.json(await listDevSms(c.var.deps.db, c.var.deps.cipher));
});

devMailboxRoutes.use('*', async (c, next) => {
  if (!c.var.deps.config.devMailbox) return notFoundPage(c);
  await next();
});

devMailboxRoutes.get('/mailbox.json', async (c) => c.json(await listDevMail(c.var.deps.db, c.var.deps.cipher)));

devMailboxRoutes.get('/mailbox', async (c) => {
  const locale = requestLocale(c, 'en');
  const { db, cipher, config } = c.var.deps;
  const [mails, texts] = await Promise.all([listDevMail(db, cipher), config.devSms ? listDevSms(db, cipher) : null]);
  return page(c, 200, <MailboxPage t={messages(locale)} lang={locale} mails={mails} texts={texts} />);
});

/** One message's HTML part as a mail client would show it (inline styles allowed, no scripts, images from BASE_URL only). */
devMailboxRoutes.get('/mailbox/:id', async (c) => {
  const mail = await c.var.deps.db
    .selectFrom('dev_mailbox')
    .select('html')
    .where('id', '=', c.req.param('id'))
    .executeTakeFirst();
  if (!mail) return notFoundPage(c);
  // The only image our emails carry is the site's logo, from BASE_URL: nothing else loads.
  const ours = new URL(c.var.deps.config.baseUrl).origin;
  c.header('Content-Security-Policy', `default-src 'none'; style-src 'unsafe-inline'; img-src data: ${ours}; frame-ancestors 'none'`);
  return c.html(mail.html);
});
