// Unsubscribe links. GET and HEAD show one button and change nothing. A POST whose body is
// `List-Unsubscribe=One-Click` is the RFC 8058 one-click from a mailbox provider: it withdraws
// at once and answers 200 with a short text, never a redirect. The page's button posts another
// field and gets a page with Undo.
import { Hono } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { manageUrl } from '../domain/links.ts';
import { undoWithdrawals, withdraw } from '../domain/withdraw.ts';
import { RestoredPage, UnsubscribedPage, UnsubscribePage } from '../../views/pages/unsubscribe.tsx';
import { invalidLinkPage, openLinkFor, type OpenedLink } from './link-pages.tsx';
import { evidenceOf, formText, page, readForm } from './render.tsx';
import { isOneClickUnsubscribe } from './same-origin.tsx';

export const unsubscribeRoutes = new Hono<AppEnv>();

unsubscribeRoutes.get('/:token', async (c) => {
  const link = await openLinkFor(c, 'unsubscribe');
  if (!link) return invalidLinkPage(c);
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
      manageUrl={await manageUrl(c.var.deps, link.contact)}
    />,
  );
});

unsubscribeRoutes.post('/:token', async (c) => {
  const link = await openLinkFor(c, 'unsubscribe');
  if (!link) return invalidLinkPage(c);
  const oneClick = await isOneClickUnsubscribe(c);
  const events = await withdraw(c.var.deps, link, scope(link), oneClick ? 'one_click' : 'unsubscribe_page', evidenceOf(c));
  if (oneClick) return c.text(link.t.unsubscribe.oneClickDone, 200);
  return page(
    c,
    200,
    <UnsubscribedPage
      t={link.t}
      lang={link.locale}
      siteName={link.site.name}
      categoryName={link.category ? link.name(link.category) : null}
      undoEvents={events}
      undoAction={`/u/${c.req.param('token')}/undo`}
      manageUrl={await manageUrl(c.var.deps, link.contact)}
    />,
  );
});

unsubscribeRoutes.post('/:token/undo', async (c) => {
  const link = await openLinkFor(c, 'unsubscribe');
  if (!link) return invalidLinkPage(c);
  const form = await readForm(c);
  const ids = formText(form?.events)
    .split(',')
    .map(Number)
    .filter((id) => Number.isSafeInteger(id) && id > 0)
    .slice(0, 100);
  const restored = await undoWithdrawals(c.var.deps, link, ids, evidenceOf(c));
  return page(
    c,
    200,
    <RestoredPage t={link.t} lang={link.locale} restored={restored.map(link.name)} manageUrl={await manageUrl(c.var.deps, link.contact)} />,
  );
});

/** A scoped link stops its one category; an unscoped one every opt-in category of the site. */
function scope(link: OpenedLink): string[] {
  if (link.category) return [link.category];
  return link.allCategories.filter((category) => category.kind === 'opt_in').map((category) => category.key);
}

