// The unsubscribe link's page: one button, and a way to choose instead of stopping everything.
import type { Messages } from '../../src/i18n/index.ts';
import { useHref } from '../base-url.ts';
import { Layout } from '../layout.tsx';

interface UnsubscribePageProps {
  t: Messages;
  lang: string;
  siteName: string;
  /** The category the link is scoped to, by name; null for every opt-in category. */
  categoryName: string | null;
  hasExempt: boolean;
  action: string;
  manageUrl: string;
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
      <p>
        <a href={props.manageUrl}>{u.instead}</a>
      </p>
    </Layout>
  );
}

interface UnsubscribedPageProps {
  t: Messages;
  lang: string;
  siteName: string;
  categoryName: string | null;
  /** The withdrawal events the Undo button would reverse; none: no Undo button. */
  undoEvents: number[];
  undoAction: string;
  manageUrl: string;
}

export function UnsubscribedPage(props: UnsubscribedPageProps) {
  const u = props.t.unsubscribe;
  return (
    <Layout lang={props.lang} title={u.doneTitle}>
      <h1 class="tone-success">{u.doneTitle}</h1>
      <p>{props.categoryName ? u.doneOne(props.categoryName) : u.doneAll(props.siteName)}</p>
      {props.undoEvents.length > 0 ? (
        <form method="post" action={useHref(props.undoAction)}>
          <input type="hidden" name="events" value={props.undoEvents.join(',')} />
          <p class="hint">{u.undoHint}</p>
          <button type="submit" class="secondary">
            {u.undo}
          </button>
        </form>
      ) : null}
      <p>
        <a href={props.manageUrl}>{u.instead}</a>
      </p>
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
      <p>
        <a href={props.manageUrl}>{u.instead}</a>
      </p>
    </Layout>
  );
}
