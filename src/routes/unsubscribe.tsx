// Unsubscribe links. GET and HEAD show one button and change nothing. A POST whose body is
// `List-Unsubscribe=One-Click` is the RFC 8058 one-click from a mailbox provider: it withdraws
// at once and answers 200 with a short text, never a redirect, and offers no undo (the person
// may never have seen it happen). The page's button posts another field and gets a page with
// Undo, carrying a signed token that names exactly what that press withdrew, for 15 minutes.
// A link that no longer opens gets a page that mails a fresh one to an address typed there.
import { Hono } from 'hono';
import type { AppContext, AppEnv } from '../app-env.ts';
import { expiredLinkSite, manageUrl } from '../domain/links.ts';
import { emailError } from '../domain/signup-form.ts';
import { mailUnsubscribeLinks } from '../domain/unsubscribe-link-mail.ts';
import { undoWithdrawals, withdraw } from '../domain/withdraw.ts';
import { isLocale, messages, type Locale } from '../i18n/index.ts';
import { MessagePage } from '../../views/pages/message.tsx';
import { RequestLinkPage, RestoredPage, UnsubscribedPage, UnsubscribePage } from '../../views/pages/unsubscribe.tsx';
import { openLinkFor, type OpenedLink } from './link-pages.tsx';
import { perIpRateLimit } from './rate-limit.tsx';
import { badRequestPage, evidenceOf, formText, page, readForm, requestLocale } from './render.tsx';
import { isOneClickUnsubscribe } from './same-origin.tsx';

export const unsubscribeRoutes = new Hono<AppEnv>();

/** How long the Undo button works after an unsubscribe on the page. */
export const UNDO_TTL_SECONDS = 15 * 60;
export const REQUEST_LINK_PATH = '/u/request-link';

// Before /:token, which would take "request-link" for a token. Limited like signup: it mails.
unsubscribeRoutes.get('/request-link', (c) => requestLinkPage(c, 200, requestLocale(c, 'en'), null));
unsubscribeRoutes.post('/request-link', perIpRateLimit('signup'), async (c) => {
  const form = await readForm(c);
  if (!form) return badRequestPage(c);
  const lang = formText(form.lang);
  const locale = isLocale(lang) ? lang : requestLocale(c, 'en');
  const t = messages(locale);
  const email = formText(form.email);
  const site = formText(form.site) || null;
  const problem = emailError(email);
  if (problem) return requestLinkPage(c, 400, locale, site, { email, error: t.signup.errors[problem] });
  await mailUnsubscribeLinks(c.var.deps, email, site);
  // The same answer whether or not the address is known.
  return page(c, 200, <MessagePage lang={locale} title={t.unsubscribe.requestSentTitle} paragraphs={[t.unsubscribe.requestSentBody]} />);
});

unsubscribeRoutes.get('/:token', async (c) => {
  const link = await openLinkFor(c, 'unsubscribe');
  if (!link) return brokenLink(c);
  return page(
    c,
    200,
    <UnsubscribePage
      t={link.t}
      lang={link.locale}
      siteName={link.site.name}
      categoryName={link.category ? link.name(link.category) : null}
      hasExempt={link.categories.some((category) => category.kind === 'exempt')}
      action={`/u/${c.req.param('token')}`}
      manageUrl={await currentManageUrl(c, link)}
    />,
  );
});

unsubscribeRoutes.post('/:token', async (c) => {
  const link = await openLinkFor(c, 'unsubscribe');
  if (!link) return brokenLink(c);
  const oneClick = await isOneClickUnsubscribe(c);
  // A scoped link's page also offers "stop all marketing email" (CAN-SPAM): its second button.
  const all = !oneClick && formText((await readForm(c))?.unsubscribe) === 'all';
  const { deps } = c.var;
  const events = await withdraw(deps, link, scope(link, all), oneClick ? 'one_click' : 'unsubscribe_page', evidenceOf(c));
  if (oneClick) return c.text(link.t.unsubscribe.oneClickDone, 200);
  const undoToken =
    link.current && events.length > 0
      ? await deps.tokens.sign(
          { purpose: 'undo', subject: link.contact.id, site: link.site.id, events, epoch: link.contact.token_epoch },
          UNDO_TTL_SECONDS,
        )
      : null;
  return page(
    c,
    200,
    <UnsubscribedPage
      t={link.t}
      lang={link.locale}
      siteName={link.site.name}
      categoryName={link.category && !all ? link.name(link.category) : null}
      undoToken={undoToken}
      undoAction={`/u/${c.req.param('token')}/undo`}
      manageUrl={await currentManageUrl(c, link)}
    />,
  );
});

unsubscribeRoutes.post('/:token/undo', async (c) => {
  const link = await openLinkFor(c, 'unsubscribe');
  if (!link) return brokenLink(c);
  const form = await readForm(c);
  const verified = await c.var.deps.tokens.verify(formText(form?.undo), 'undo');
  const claims = verified.ok ? verified.claims : null;
  const outcome =
    claims && claims.subject === link.contact.id && claims.site === link.site.id && claims.events && claims.epoch !== undefined
      ? await undoWithdrawals(c.var.deps, link, claims.events, claims.epoch, evidenceOf(c))
      : { ok: false as const };
  if (!outcome.ok) {
    return page(c, 400, <MessagePage lang={link.locale} title={link.t.unsubscribe.undoGoneTitle} paragraphs={[link.t.unsubscribe.undoGoneBody]} tone="error" />);
  }
  return page(
    c,
    200,
    <RestoredPage t={link.t} lang={link.locale} restored={outcome.restored.map(link.name)} manageUrl={await manageUrl(c.var.deps, link.contact)} />,
  );
});

/** A scoped link stops its one category (unless asked to stop all); an unscoped one every opt-in category of the site. */
function scope(link: OpenedLink, all: boolean): string[] {
  if (link.category && !all) return [link.category];
  return link.allCategories.filter((category) => category.kind === 'opt_in').map((category) => category.key);
}

/** A link revoked since it was mailed still unsubscribes, but hands out no fresh preference link. */
function currentManageUrl(c: AppContext, link: OpenedLink): Promise<string> | null {
  return link.current ? manageUrl(c.var.deps, link.contact) : null;
}

/** Expired, altered or unreadable: offer to mail a fresh link (to the expired link's site if it says). */
async function brokenLink(c: AppContext) {
  return requestLinkPage(c, 400, requestLocale(c, 'en'), await expiredLinkSite(c.var.deps, c.req.param('token') ?? ''));
}

function requestLinkPage(c: AppContext, status: 200 | 400, locale: Locale, site: string | null, entered = { email: '', error: null as string | null }) {
  return page(c, status, <RequestLinkPage t={messages(locale)} lang={locale} action={REQUEST_LINK_PATH} site={site} email={entered.email} error={entered.error} />);
}
