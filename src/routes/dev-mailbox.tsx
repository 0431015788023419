// The dev mailbox, only on a local trial: no email provider configured and a local BASE_URL.
import { Hono } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { listDevMail } from '../mail/dev-mailbox.ts';
import { messages } from '../i18n/index.ts';
import { MailboxPage } from '../../views/pages/mailbox.tsx';
import { notFoundPage, page, requestLocale } from './render.tsx';

export const devMailboxRoutes = new Hono<AppEnv>();

devMailboxRoutes.use('*', async (c, next) => {
  if (!c.var.deps.config.devMailbox) return notFoundPage(c);
  await next();
});

devMailboxRoutes.get('/mailbox.json', async (c) => c.json(await listDevMail(c.var.deps.db, c.var.deps.cipher)));

devMailboxRoutes.get('/mailbox', async (c) => {
  const locale = requestLocale(c, 'en');
  return page(c, 200, <MailboxPage t={messages(locale)} lang={locale} mails={await listDevMail(c.var.deps.db, c.var.deps.cipher)} />);
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
