// The operator console under /admin: sign-in, the setup link, sign-out, and (behind the session
// check) the console's pages. Every page is server-rendered and works without JavaScript.
import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppContext, AppEnv } from '../../app-env.ts';
import type { SiteRow } from '../../db/schema.ts';
import { checkNewPassword, completeSetup, operatorForSetup } from '../../domain/operators.ts';
import { endSession, sessionOperator, signIn, startSession } from '../../domain/operator-sessions.ts';
import { MessagePage } from '../../../views/pages/message.tsx';
import { SetupPage, SignInPage } from '../../../views/admin/auth-pages.tsx';
import { HomePage } from '../../../views/admin/home-page.tsx';
import { SitePage, type LedgerState } from '../../../views/admin/site-page.tsx';
import { ledgerHead, verifyLedger } from '../../domain/ledger-seal.ts';
import { siteNames } from '../../domain/site-admin.ts';
import { FIGURE_DAYS, siteFigures } from '../../domain/site-figures.ts';
import { adminImportsMessages } from '../../i18n/admin-imports.ts';
import { adminSiteMessages } from '../../i18n/admin-site.ts';
import { formatDateTime } from '../../i18n/index.ts';
import { basePath, formText, notFoundPage, page, readForm } from '../render.tsx';
import { contactPages } from './contacts.tsx';
import { auditPages } from './audit.tsx';
import { embedPages } from './embed.tsx';
import { importPages } from './imports.tsx';
import { keyPages } from './keys.tsx';
import { operatorPages } from './operators.tsx';
import { webhookPages } from './webhooks.tsx';
import { newSitePages, settingsPages } from './settings.tsx';
import { categoryPages } from './categories.tsx';
import { copy, redirect, siteFor } from './shared.ts';

export const adminRoutes = new Hono<AppEnv>();

const COOKIE = 'assent_admin';

/**
 * HttpOnly, SameSite=Strict, only for /admin, Secure when BASE_URL is https; a browser-session
 * cookie: the server ends the session after 8 idle hours, however long it is in use before.
 */
function setSessionCookie(c: AppContext, value: string) {
  setCookie(c, COOKIE, value, {
    path: `${basePath(c)}/admin`,
    httpOnly: true,
    sameSite: 'Strict',
    secure: c.var.deps.config.baseUrl.startsWith('https:'),
  });
}

adminRoutes.get('/login', async (c) => {
  const copied = copy(c);
  const notice = c.req.query('out') === '1' ? copied.t.signIn.signedOut : null;
  return page(c, 200, <SignInPage {...copied} email="" error={null} notice={notice} />);
});

adminRoutes.post('/login', async (c) => {
  const copied = copy(c);
  const form = await readForm(c);
  const email = formText(form?.email).trim();
  const password = formText(form?.password);
  const result = email && password ? await signIn(c.var.deps, email, password, c.var.ip) : ({ ok: false, reason: 'wrong' } as const);
  if (result.ok) {
    setSessionCookie(c, await startSession(c.var.deps, result.operator.id));
    return redirect(c, `/admin?lang=${copied.lang}`);
  }
  if (result.reason === 'limited') {
    c.header('Retry-After', String(result.retryAfterSeconds));
    const error = copied.t.signIn.limited(Math.max(1, Math.ceil(result.retryAfterSeconds / 60)));
    return page(c, 429, <SignInPage {...copied} email={email} error={error} notice={null} />);
  }
  return page(c, 401, <SignInPage {...copied} email={email} error={copied.t.signIn.wrong} notice={null} />);
});

adminRoutes.get('/setup/:token', async (c) => {
  const copied = copy(c);
  const operator = await operatorForSetup(c.var.deps, c.req.param('token'));
  if (!operator) return invalidSetupLink(c);
  const email = await c.var.deps.cipher.decrypt(operator.email);
  return page(c, 200, <SetupPage {...copied} email={email} action={`${c.req.path}?lang=${copied.lang}`} error={null} />);
});

adminRoutes.post('/setup/:token', async (c) => {
  const copied = copy(c);
  const token = c.req.param('token');
  const operator = await operatorForSetup(c.var.deps, token);
  if (!operator) return invalidSetupLink(c);
  const form = await readForm(c);
  const password = formText(form?.password);
  const problem = checkNewPassword(password, formText(form?.repeat));
  if (problem) {
    const s = copied.t.setup;
    const error = { too_short: s.tooShort, too_long: s.tooLong, mismatch: s.mismatch }[problem];
    const email = await c.var.deps.cipher.decrypt(operator.email);
    return page(c, 400, <SetupPage {...copied} email={email} action={`${c.req.path}?lang=${copied.lang}`} error={error} />);
  }
  const done = await completeSetup(c.var.deps, token, password);
  if (!done) return invalidSetupLink(c);
  setSessionCookie(c, await startSession(c.var.deps, done.id));
  return redirect(c, `/admin?lang=${copied.lang}`);
});

function invalidSetupLink(c: AppContext) {
  const { lang, t } = copy(c);
  return page(c, 404, <MessagePage lang={lang} title={t.setup.invalidTitle} paragraphs={[t.setup.invalidBody]} tone="error" />);
}

adminRoutes.post('/logout', async (c) => {
  const value = getCookie(c, COOKIE);
  if (value) await endSession(c.var.deps, value);
  deleteCookie(c, COOKIE, { path: `${basePath(c)}/admin`, secure: c.var.deps.config.baseUrl.startsWith('https:') });
  return redirect(c, `/admin/login?lang=${copy(c).lang}&out=1`);
});

// Everything else needs a live session: without one, the visitor is sent to sign in and shown nothing.
adminRoutes.use('*', async (c, next) => {
  const value = getCookie(c, COOKIE);
  const operator = value ? await sessionOperator(c.var.deps, value) : null;
  if (!operator) return redirect(c, `/admin/login?lang=${copy(c).lang}`);
  c.set('operator', operator);
  return next();
});

adminRoutes.get('/', async (c) => {
  const copied = copy(c);
  const operator = c.var.operator;
  const sites = await siteNames(c.var.deps.db, operator.site_id);
  const email = await c.var.deps.cipher.decrypt(operator.email);
  return page(c, 200, <HomePage {...copied} email={email} role={copied.t.roles[operator.role]} owner={operator.role === 'owner'} sites={sites} newSiteLink={adminSiteMessages(copied.lang).settings.newLink} />);
});

adminRoutes.route('/sites/:site/contacts', contactPages);
adminRoutes.route('/sites/:site/embed', embedPages);
adminRoutes.route('/sites/:site/webhooks', webhookPages);
adminRoutes.route('/sites/:site/settings', settingsPages);
adminRoutes.route('/new-site', newSitePages);
adminRoutes.route('/sites/:site/categories', categoryPages);
adminRoutes.route('/sites/:site/imports', importPages);
adminRoutes.route('/keys', keyPages);
adminRoutes.route('/operators', operatorPages);
adminRoutes.route('/audit', auditPages);

adminRoutes.get('/sites/:site', async (c) => {
  const site = await siteFor(c);
  if (!site) return notFoundPage(c);
  return siteAnswer(c, site, null);
});

adminRoutes.post('/sites/:site/verify', async (c) => {
  const site = await siteFor(c);
  if (!site) return notFoundPage(c);
  const report = await verifyLedger(c.var.deps);
  const { t, lang } = copy(c);
  const text = report.ok ? t.site.verified(report.events.toLocaleString(lang), report.sealed.toLocaleString(lang)) : t.site.broken(String(report.problem?.eventId ?? '?'));
  return siteAnswer(c, site, { ok: report.ok, text });
});

async function siteAnswer(c: AppContext, site: SiteRow, verification: LedgerState['verification']) {
  const copied = copy(c);
  const { db } = c.var.deps;
  const [figures, head, seal, events] = await Promise.all([
    siteFigures(c.var.deps, site, copied.lang),
    ledgerHead(db),
    db.selectFrom('ledger_seals').select(['event_id', 'sealed_at']).orderBy('event_id', 'desc').limit(1).executeTakeFirst(),
    db.selectFrom('consent_events').select((eb) => eb.fn.max('id').as('last')).executeTakeFirstOrThrow(),
  ]);
  const ledger: LedgerState = {
    events: Number(events.last ?? 0),
    lastSeal: head && seal ? { eventId: head.eventId, sealedAt: seal.sealed_at, hash: head.hash } : null,
    verification,
  };
  const formatNumber = (n: number) => n.toLocaleString(copied.lang);
  const formatMoment = (iso: string) => formatDateTime(copied.lang, site.time_zone, new Date(iso));
  return page(
    c,
    200,
    <SitePage
      {...copied}
      site={site}
      days={FIGURE_DAYS}
      figures={figures}
      ledger={ledger}
      formatNumber={formatNumber}
      formatMoment={formatMoment}
      importsLink={adminImportsMessages(copied.lang).link}
      settingsLink={adminSiteMessages(copied.lang).settings.link}
      categoriesLink={adminSiteMessages(copied.lang).categories.link}
    />,
  );
}
