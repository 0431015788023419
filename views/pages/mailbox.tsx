// The dev mailbox: what the server would have sent, readable in the browser.
import type { DevMail } from '../../src/mail/dev-mailbox.ts';
import type { Messages } from '../../src/i18n/index.ts';
import { useHref } from '../base-url.ts';
import { Layout } from '../layout.tsx';

export function MailboxPage(props: { t: Messages; lang: string; mails: DevMail[] }) {
  const m = props.t.mailbox;
  return (
    <Layout lang={props.lang} title={m.title}>
      <h1>{m.title}</h1>
      <p>{m.intro}</p>
      {props.mails.length === 0 ? <p class="hint">{m.empty}</p> : null}
      {props.mails.map((mail) => (
        <article class="mail">
          <h2>{mail.subject}</h2>
          <p class="hint">
            {m.to}
            {props.t.common.colon}
            {mail.to.join(', ')} · {m.at}
            {props.t.common.colon}
            {mail.createdAt} · <a href={useHref(`/dev/mailbox/${mail.id}`)}>{m.viewHtml}</a>
          </p>
          <pre>{mail.text}</pre>
        </article>
      ))}
    </Layout>
  );
}
