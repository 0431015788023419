// The page of an SMS's short opt-out link (/x/{code}): one button, as the email unsubscribe page
// has, since a link scanner that opens the URL must change nothing; then what stopped.
import type { Messages } from '../../src/i18n/index.ts';
import { useHref } from '../base-url.ts';
import { Layout } from '../layout.tsx';

interface SmsOptOutPageProps {
  t: Messages;
  lang: string;
  siteName: string;
  /** The category the link stops, by name; null: every SMS of the site. */
  categoryName: string | null;
  action: string;
}

export function SmsOptOutPage(props: SmsOptOutPageProps) {
  const s = props.t.smsOptOut;
  return (
    <Layout lang={props.lang} title={s.title}>
      <h1>{props.categoryName ? s.questionOne(props.categoryName, props.siteName) : s.questionAll(props.siteName)}</h1>
      <p class="hint">{s.emailNote}</p>
      <form method="post" action={useHref(props.action)}>
        <input type="hidden" name="page_lang" value={props.lang} />
        <button type="submit">{s.button}</button>
      </form>
    </Layout>
  );
}

export function SmsOptedOutPage(props: Omit<SmsOptOutPageProps, 'action'>) {
  const s = props.t.smsOptOut;
  return (
    <Layout lang={props.lang} title={s.doneTitle}>
      <h1 class="tone-success">{s.doneTitle}</h1>
      <p>{props.categoryName ? s.doneOne(props.categoryName, props.siteName) : s.doneAll(props.siteName)}</p>
      <p class="hint">{s.emailNote}</p>
    </Layout>
  );
}
