// The short opt-out link of every SMS, /x/{code}. GET and HEAD show one button and change nothing
// (link scanners and previews open every URL in a text); the POST stops the SMS the code stands
// for (one category, or every SMS of the site) and leaves email as it is. The page offers no
// preference link and no undo: a code is a few characters anyone holding the text can read, and
// it should be able to stop messages, never to open the person's record.
import { Hono } from 'hono';
import type { AppContext, AppEnv } from '../app-env.ts';
import { cachedCategories } from '../db/site-content-cache.ts';
import { ALL_SMS, findOptOutCode, withdrawByOptOutLink, type OptOutTarget } from '../domain/sms-opt-out.ts';
import { messages, resolveLocale } from '../i18n/index.ts';
import { MessagePage } from '../../views/pages/message.tsx';
import { SmsOptedOutPage, SmsOptOutPage } from '../../views/pages/sms-opt-out.tsx';
import { evidenceOf, formText, notFoundPage, page, readForm, showBrand } from './render.tsx';

export const smsOptOutRoutes = new Hono<AppEnv>();

smsOptOutRoutes.get('/:code', async (c) => {
  const opened = await openCode(c);
  if (!opened) return notFoundPage(c);
  if (opened.target.erased) return erasedPage(c, opened);
  return page(c, 200, <SmsOptOutPage {...opened.shown} action={`/x/${opened.target.code}`} />);
});

smsOptOutRoutes.post('/:code', async (c) => {
  const opened = await openCode(c);
  if (!opened) return notFoundPage(c);
  if (opened.target.erased) return erasedPage(c, opened);
  await withdrawByOptOutLink(c.var.deps, opened.target, evidenceOf(c));
  return page(c, 200, <SmsOptedOutPage {...opened.shown} />);
});

interface Opened {
  target: OptOutTarget;
  shown: { t: ReturnType<typeof messages>; lang: string; siteName: string; categoryName: string | null };
}

/** The code's contact and what the page says, in the contact's language (or ?lang=, or the page's own). */
async function openCode(c: AppContext): Promise<Opened | null> {
  const target = await findOptOutCode(c.var.deps, c.req.param('code') ?? '');
  if (!target) return null;
  showBrand(c, target.site);
  const shownIn = c.req.method === 'POST' ? formText((await readForm(c))?.page_lang) || undefined : undefined;
  const locale = resolveLocale(c.req.query('lang') ?? shownIn, undefined, target.contact.locale);
  const t = messages(locale);
  let categoryName: string | null = null;
  if (target.scope !== ALL_SMS) {
    const categories = await cachedCategories(c.var.deps.db, target.site, locale);
    categoryName = categories.find((category) => category.key === target.scope)?.name ?? target.scope;
  }
  return { target, shown: { t, lang: locale, siteName: target.site.name, categoryName } };
}

function erasedPage(c: AppContext, { shown }: Opened) {
  const s = shown.t.smsOptOut;
  return page(c, 200, <MessagePage lang={shown.lang} title={s.erasedTitle} paragraphs={[s.erasedBody(shown.siteName)]} />);
}
