// The page a confirmation link opens. It only shows; the button's POST confirms, because mail
// security scanners open every link in a message.
import type { Messages } from '../../src/i18n/index.ts';
import { useHref } from '../base-url.ts';
import { Layout } from '../layout.tsx';

interface ConfirmPageProps {
  t: Messages;
  lang: string;
  siteName: string;
  categoryNames: string[];
  action: string;
}

export function ConfirmPage(props: ConfirmPageProps) {
  const c = props.t.confirm;
  return (
    <Layout lang={props.lang} title={c.title}>
      <h1>{c.title}</h1>
      <p>{c.intro(props.siteName)}</p>
      <ul class="chosen">
        {props.categoryNames.map((name) => (
          <li>{name}</li>
        ))}
      </ul>
      <form method="post" action={useHref(props.action)}>
        <button type="submit">{c.button}</button>
      </form>
      <p class="hint">{c.nothingYet}</p>
    </Layout>
  );
}

export function ConfirmedPage(props: Omit<ConfirmPageProps, 'action'>) {
  const c = props.t.confirm;
  return (
    <Layout lang={props.lang} title={c.doneTitle}>
      <h1 class="tone-success">{c.doneTitle}</h1>
      {props.categoryNames.length > 0 ? (
        <>
          <p>{c.doneIntro(props.siteName)}</p>
          <ul class="chosen">
            {props.categoryNames.map((name) => (
              <li>{name}</li>
            ))}
          </ul>
        </>
      ) : (
        <p>{c.doneNone}</p>
      )}
      <p>{c.doneOutro}</p>
    </Layout>
  );
}

/** An expired link: a fresh one goes to the stored address, never to one typed here. */
export function ExpiredPage(props: { t: Messages; lang: string; ttl: string; resendAction: string }) {
  const c = props.t.confirm;
  return (
    <Layout lang={props.lang} title={c.expiredTitle}>
      <h1 class="tone-error">{c.expiredTitle}</h1>
      <p>{c.expiredBody(props.ttl)}</p>
      <form method="post" action={useHref(props.resendAction)}>
        <button type="submit">{c.resendButton}</button>
      </form>
    </Layout>
  );
}
