// The preference page /p/{token}. GET shows; every change is a POST (a plain form without
// JavaScript; one checkbox at a time with htmx). The language switch also stores the contact's
// language for the emails that follow.
import { Hono } from 'hono';
import type { AppContext, AppEnv } from '../app-env.ts';
import { consentStatuses, emailConsentStatuses } from '../db/consents.ts';
import { listEventsWithText } from '../db/events.ts';
import { buildContactRecord } from '../domain/contact-record.ts';
import { buildConsentWording } from '../domain/consent-wording.ts';
import { savePreferences, saveSmsChoices, setContactLocale, type PreferenceChange } from '../domain/preferences.ts';
import { maskPhone } from '../sms/phone.ts';
import { erasePersonalData, SELF_SERVICE_ERASURE } from '../domain/erase-personal-data.ts';
import { evidenceHold } from '../domain/evidence-hold.ts';
import { withdraw } from '../domain/withdraw.ts';
import { LOCALES, formatDateTime, isLocale, messages } from '../i18n/index.ts';
import { renewalsOf } from './preference-renewals.ts';
import {
  CategoryRow,
  ConsentHistory,
  PreferencesPage,
  StatusMessage,
  type History,
  type WordingShown,
} from '../../views/pages/preferences.tsx';
import { DataDeletedPage, DeleteDataPage } from '../../views/pages/delete-data.tsx';
import { invalidLinkPage, openLinkFor, type OpenedLink } from './link-pages.tsx';
import { escapeJsonMarkup } from './markup-safe-json.ts';
import { badRequestPage, basePath, evidenceOf, formText, formTexts, page, readForm } from './render.tsx';

export const preferenceRoutes = new Hono<AppEnv>();

preferenceRoutes.get('/:token', async (c) => {
  const link = await openLinkFor(c, 'manage');
  if (!link) return invalidLinkPage(c);
  return renderPage(c, link, 200);
});

/**
 * The person's own copy of everything held about them (APPI disclosure, GDPR access and
 * portability): the operator's proof bundle, as a file. A GET: it changes nothing.
 */
preferenceRoutes.get('/:token/data', async (c) => {
  const link = await openLinkFor(c, 'manage');
  if (!link) return invalidLinkPage(c);
  const record = await buildContactRecord(c.var.deps, link.site, link.contact);
  return c.body(escapeJsonMarkup(JSON.stringify(record, null, 2)), 200, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Disposition': `attachment; filename="assent-data-${record.generatedAt.slice(0, 10)}.json"`,
    'Cache-Control': 'no-store',
  });
});

/** Delete my data, first step: what goes, what stays and until when. A GET: it changes nothing. */
preferenceRoutes.get('/:token/delete', async (c) => {
  const link = await openLinkFor(c, 'manage');
  if (!link) return invalidLinkPage(c);
  const token = c.req.param('token');
  return page(
    c,
    200,
    <DeleteDataPage t={link.t} lang={link.locale} legalName={link.site.legal_name} heldUntil={heldUntil(c, link)} action={`/p/${token}/delete`} back={`/p/${token}`} />,
  );
});

/** Delete my data: the one erasure path, method self_service; this link stops working with it. */
preferenceRoutes.post('/:token/delete', async (c) => {
  const link = await openLinkFor(c, 'manage');
  if (!link) return invalidLinkPage(c);
  await erasePersonalData(c.var.deps, link.contact.id, { method: SELF_SERVICE_ERASURE });
  return page(c, 200, <DataDeletedPage t={link.t} lang={link.locale} legalName={link.site.legal_name} heldUntil={heldUntil(c, link)} />);
});

/** When the contact's consent record stays held after an erasure, in the site's zone; else null. */
function heldUntil(c: AppContext, link: OpenedLink): string | null {
  const hold = evidenceHold(c.var.deps.config, { ...link.contact, email: '' });
  return hold ? formatDateTime(link.locale, link.site.time_zone, new Date(hold.until)) : null;
}

/** A save from the page: its link, form and wording, or the answer (a bad link, an unreadable form, wording changed meanwhile). */
async function pageSave(c: AppContext) {
  const link = await openLinkFor(c, 'manage');
  if (!link) return invalidLinkPage(c);
  const form = await readForm(c);
  if (!form) return badRequestPage(c);
  const wording = await pageWording(link);
  if (formText(form.consent) !== wording.sha256) return renderPage(c, link, 409, link.t.signup.errors.wordingChanged);
  return { link, form, wording, evidence: { ...evidenceOf(c), sourceUrl: `${c.var.deps.config.baseUrl}/p`, locale: link.locale } };
}

preferenceRoutes.post('/:token', async (c) => {
  const save = await pageSave(c);
  if (save instanceof Response) return save;
  const { link, form, wording, evidence } = save;
  const changes = await savePreferences(
    c.var.deps,
    link,
    { optIn: optInKeys(link), shown: formTexts(form.shown), checked: formTexts(form.categories) },
    wording,
    evidence,
  );
  const p = link.t.preferences;
  const notice = changes.some((change) => change.action === 'requested') ? p.requested : changes.length > 0 ? p.saved : p.savedNothing;
  return renderPage(c, link, 200, notice);
});

preferenceRoutes.post('/:token/sms', async (c) => {
  const save = await pageSave(c);
  if (save instanceof Response) return save;
  const { link, form, wording, evidence } = save;
  const stopped = await saveSmsChoices(c.var.deps, link, { shown: formTexts(form.shown), checked: formTexts(form.sms_categories) }, wording, evidence);
  return renderPage(c, link, 200, stopped.length > 0 ? link.t.preferences.smsSaved : link.t.preferences.savedNothing);
});

/** htmx: one checkbox changed. Answers its row and the announcement; without htmx, the page. */
preferenceRoutes.post('/:token/categories/:key', async (c) => {
  const link = await openLinkFor(c, 'manage');
  if (!link) return invalidLinkPage(c);
  const key = c.req.param('key');
  if (!optInKeys(link).includes(key)) return badRequestPage(c);
  const form = await readForm(c);
  if (!form) return badRequestPage(c);
  const wording = await pageWording(link);
  if (formText(form.consent) !== wording.sha256) return renderPage(c, link, 409, link.t.signup.errors.wordingChanged);
  const checked = formTexts(form.categories).includes(key) ? [key] : [];
  const changes = await savePreferences(
    c.var.deps,
    link,
    { optIn: optInKeys(link), shown: [key], checked },
    wording,
    { ...evidenceOf(c), sourceUrl: `${c.var.deps.config.baseUrl}/p`, locale: link.locale },
  );
  const notice = describeChanges(link, changes);
  if (!c.req.header('HX-Request')) return renderPage(c, link, 200, notice);
  const status = (await emailConsentStatuses(c.var.deps.db, link.contact.id)).get(key) ?? null;
  const category = { ...link.categories.find((candidate) => candidate.key === key)!, renewal: (await renewalsOf(c.var.deps, link)).get(key) };
  return page(
    c,
    200,
    <>
      <CategoryRow t={link.t} base={`/p/${c.req.param('token')}`} category={{ ...category, status }} byEmail={byEmail(link)} />
      <StatusMessage text={notice} oob />
      <ConsentHistory t={link.t} history={await historyOf(c, link)} oob />
    </>,
    { fragment: true },
  );
});

preferenceRoutes.post('/:token/unsubscribe-all', async (c) => {
  const link = await openLinkFor(c, 'manage');
  if (!link) return invalidLinkPage(c);
  const everyOptIn = link.allCategories.filter((category) => category.kind === 'opt_in').map((category) => category.key);
  await withdraw(c.var.deps, link, everyOptIn, 'preference_page', {
    ...evidenceOf(c),
    sourceUrl: `${c.var.deps.config.baseUrl}/p`,
    locale: link.locale,
  });
  return renderPage(c, link, 200, link.t.preferences.unsubscribedAll);
});

preferenceRoutes.post('/:token/language', async (c) => {
  const link = await openLinkFor(c, 'manage');
  if (!link) return invalidLinkPage(c);
  const lang = formText((await readForm(c))?.lang);
  if (!isLocale(lang)) return badRequestPage(c);
  await setContactLocale(c.var.deps, link.contact.id, lang);
  // Back to the page (303: the browser follows with a GET), now in the stored language, on the
  // host the browser is on.
  return c.redirect(`${basePath(c)}/p/${c.req.param('token')}`, 303);
});

async function renderPage(c: AppContext, link: OpenedLink, status: 200 | 409, notice?: string) {
  const { deps } = c.var;
  const statuses = await emailConsentStatuses(deps.db, link.contact.id);
  const renewals = await renewalsOf(deps, link);
  const wording = await pageWording(link);
  const history = await historyOf(c, link);
  return page(
    c,
    status,
    <PreferencesPage
      t={link.t}
      lang={link.locale}
      siteName={link.site.name}
      legalName={link.site.legal_name}
      email={await c.var.deps.cipher.decrypt(link.contact.email)}
      base={`/p/${c.req.param('token')}`}
      optIn={link.categories
        .filter((category) => category.kind === 'opt_in' && category.channels.includes('email'))
        .map((category) => ({ ...category, status: statuses.get(category.key) ?? null, renewal: renewals.get(category.key) }))}
      exempt={link.categories.filter((category) => category.kind === 'exempt')}
      consentSha256={wording.sha256}
      history={history}
      languages={LOCALES.filter((l) => l !== link.locale).map((l) => ({ locale: l, label: messages(l).languageName }))}
      byEmail={byEmail(link)}
      sms={await smsChoices(c, link)}
      notice={notice}
    />,
  );
}

/** The contact's SMS consents (any status but none), with its number masked; null: no number. */
async function smsChoices(c: AppContext, link: OpenedLink) {
  if (!link.contact.phone) return null;
  const statuses = await consentStatuses(c.var.deps.db, link.contact.id, 'sms');
  const categories = link.categories
    .filter((category) => statuses.has(category.key))
    .map((category) => ({ key: category.key, name: category.name, on: statuses.get(category.key) !== 'withdrawn' }));
  return { masked: maskPhone(await c.var.deps.cipher.decrypt(link.contact.phone)), categories };
}

/** A contact who never confirmed by email gets a confirmation email for what they tick. */
function byEmail(link: OpenedLink): boolean {
  return link.contact.confirmed_at === null;
}

/** The ledger in plain words, newest first, times in the site's zone; each wording once. */
async function historyOf(c: AppContext, link: OpenedLink): Promise<History> {
  const events = await listEventsWithText(c.var.deps.db, link.contact.id);
  const p = link.t.preferences;
  const when = (at: string) => formatDateTime(link.locale, link.site.time_zone, new Date(at));
  const wordings = new Map<string, WordingShown>();
  for (const event of events) {
    if (event.consent_text_sha256 === null || event.consent_text === null || wordings.has(event.consent_text_sha256)) continue;
    wordings.set(event.consent_text_sha256, { sha256: event.consent_text_sha256, number: wordings.size + 1, firstShownAt: event.occurred_at, firstShown: when(event.occurred_at), text: event.consent_text });
  }
  const entries = events.reverse().map((event) => ({
    id: event.id,
    at: event.occurred_at,
    when: when(event.occurred_at),
    description: p.historyEntry(p.action[event.action](link.name(event.category_key)), p.method[event.method] ?? `(${event.method})`),
    wordingSha256: event.consent_text_sha256,
  }));
  return { entries, wordings: [...wordings.values()] };
}

function pageWording(link: OpenedLink) {
  return buildConsentWording(link.site, link.categories, link.t, link.locale, byEmail(link) ? 'preferences_by_email' : 'preferences');
}

function optInKeys(link: OpenedLink): string[] {
  return link.categories.filter((category) => category.kind === 'opt_in' && category.channels.includes('email')).map((category) => category.key);
}

function describeChanges(link: OpenedLink, changes: PreferenceChange[]): string {
  const p = link.t.preferences;
  const [change] = changes;
  if (!change) return p.savedNothing;
  const name = link.name(change.key);
  return change.action === 'granted' ? p.grantedOne(name) : change.action === 'requested' ? p.requestedOne(name) : p.withdrawnOne(name);
}
