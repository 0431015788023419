// The unsubscribe link's page: one button, and a way to choose instead of stopping everything.
import type { Messages } from '../../src/i18n/index.ts';
import { useHref } from '../base-url.ts';
import { Layout } from '../layout.tsx';
import { EmailField } from '../partials/email-field.tsx';

interface UnsubscribePageProps {
  t: Messages;
  lang: string;
  siteName: string;
  /** The category the link is scoped to, by name; null for every opt-in category. */
  categoryName: string | null;
  hasExempt: boolean;
  action: string;
  /** Null for a link revoked since it was mailed: it still unsubscribes, but opens nothing else. */
  manageUrl: string | null;
}

export function UnsubscribePage(props: UnsubscribePageProps) {
  const u = props.t.unsubscribe;
  return (
    <Layout lang={props.lang} title={u.title}>
      <h1>{props.categoryName ? u.questionOne(props.categoryName, props.siteName) : u.questionAll(props.siteName)}</h1>
      {props.hasExempt ? <p class="hint">{u.exemptNote}</p> : null}
      <form method="post" action={useHref(props.action)}>
        <input type="hidden" name="unsubscribe" value="page" />
        <button type="submit">{u.button}</button>
      </form>
      {/* CAN-SPAM: the choices must include stopping all commercial mail, on this same page. */}
      {props.categoryName ? (
        <form method="post" action={useHref(props.action)} class="stop-all">
          <input type="hidden" name="unsubscribe" value="all" />
          <p>{u.allIntro(props.siteName)}</p>
          <button type="submit" class="secondary">
            {u.buttonAll}
          </button>
        </form>
      ) : null}
      <ManageLink text={u.instead} url={props.manageUrl} />
    </Layout>
  );
}

function ManageLink(props: { text: string; url: string | null }) {
  return props.url ? (
    <p>
      <a href={props.url}>{props.text}</a>
    </p>
  ) : null;
}

interface UnsubscribedPageProps {
  t: Messages;
  lang: string;
  siteName: string;
  categoryName: string | null;
  /** The signed, short-lived token naming exactly what Undo may reverse; null: no Undo button. */
  undoToken: string | null;
  undoAction: string;
  manageUrl: string | null;
}

export function UnsubscribedPage(props: UnsubscribedPageProps) {
  const u = props.t.unsubscribe;
  return (
    <Layout lang={props.lang} title={u.doneTitle}>
      <h1 class="tone-success">{u.doneTitle}</h1>
      <p>{props.categoryName ? u.doneOne(props.categoryName) : u.doneAll(props.siteName)}</p>
      {props.undoToken ? (
        <form method="post" action={useHref(props.undoAction)}>
          <input type="hidden" name="undo" value={props.undoToken} />
          <p class="hint">{u.undoHint}</p>
          <button type="submit" class="secondary">
            {u.undo}
          </button>
        </form>
      ) : null}
      <ManageLink text={u.instead} url={props.manageUrl} />
    </Layout>
  );
}

export function RestoredPage(props: { t: Messages; lang: string; restored: string[]; manageUrl: string }) {
  const u = props.t.unsubscribe;
  return (
    <Layout lang={props.lang} title={u.restoredTitle}>
      <h1 class="tone-success">{u.restoredTitle}</h1>
      {props.restored.length > 0 ? (
        <>
          <p>{u.restored}</p>
          <ul class="chosen">
            {props.restored.map((name) => (
              <li>{name}</li>
            ))}
          </ul>
        </>
      ) : (
        <p>{u.nothingRestored}</p>
      )}
      <ManageLink text={u.instead} url={props.manageUrl} />
    </Layout>
  );
}

interface RequestLinkPageProps {
  t: Messages;
  lang: string;
  action: string;
  /** The site of the expired link, when it still says; otherwise every site is asked. */
  site: string | null;
  email: string;
  error: string | null;
}

/** For a link that no longer works: type the address and a fresh link is mailed to it. */
export function RequestLinkPage(props: RequestLinkPageProps) {
  const u = props.t.unsubscribe;
  return (
    <Layout lang={props.lang} title={u.requestTitle}>
      <h1>{u.requestTitle}</h1>
      <p>{u.requestIntro}</p>
      <form method="post" action={useHref(props.action)}>
        <input type="hidden" name="lang" value={props.lang} />
        {props.site ? <input type="hidden" name="site" value={props.site} /> : null}
        <EmailField label={u.requestEmail} value={props.email} error={props.error} />
        <button type="submit">{u.requestButton}</button>
      </form>
    </Layout>
  );
}
