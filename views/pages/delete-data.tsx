// "Delete my data" from the preference page: first a page that says exactly what goes and what
// is kept (and until when), with the button; then the page that says it is done.
import type { Messages } from '../../src/i18n/index.ts';
import { useHref } from '../base-url.ts';
import { Layout } from '../layout.tsx';

interface DeleteDataProps {
  t: Messages;
  lang: string;
  legalName: string;
  /** When the consent record stays under a retention hold: until then (in the site's zone); else null. */
  heldUntil: string | null;
}

export function DeleteDataPage(props: DeleteDataProps & { action: string; back: string }) {
  const p = props.t.preferences;
  return (
    <Layout lang={props.lang} title={p.deleteTitle}>
      <h1>{p.deleteTitle}</h1>
      <p>{p.deleteIntro(props.legalName)}</p>
      <p>{props.heldUntil ? p.deleteHeld(props.heldUntil) : p.deleteNothingHeld}</p>
      <p class="hint">{p.deleteSuppression}</p>
      <form method="post" action={useHref(props.action)}>
        <button type="submit">{p.deleteButton}</button>
      </form>
      <p>
        <a href={useHref(props.back)}>{p.deleteCancel}</a>
      </p>
    </Layout>
  );
}

export function DataDeletedPage(props: DeleteDataProps) {
  const p = props.t.preferences;
  return (
    <Layout lang={props.lang} title={p.deletedTitle}>
      <h1 class="tone-success">{p.deletedTitle}</h1>
      <p>{p.deletedBody}</p>
      <p>{props.heldUntil ? p.deleteHeld(props.heldUntil) : p.deleteNothingHeld}</p>
      <p class="hint">{p.deleteSuppression}</p>
    </Layout>
  );
}
