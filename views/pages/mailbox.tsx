// The dev mailbox: what the server would have sent, mail and SMS, readable in the browser.
import type { DevMail } from '../../src/mail/dev-mailbox.ts';
import type { DevSms } from '../../src/sms/dev-outbox.ts';
import type { Messages } from '../../src/i18n/index.ts';
import { useHref } from '../base-url.ts';
import { Layout } from '../layout.tsx';

/** `texts` null: SMS are not kept here (Twilio sends them). */
export function MailboxPage(props: { t: Messages; lang: string; mails: DevMail[]; texts: DevSms[] | null }) {
  const m = props.t.mailbox;
  const colon = props.t.common.colon;
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
      {props.texts ? (
        <section aria-labelledby="dev-sms">
          <h2 id="dev-sms">{m.smsTitle}</h2>
          <p>{m.smsIntro}</p>
          {props.texts.length === 0 ? <p class="hint">{m.smsEmpty}</p> : null}
          {props.texts.map((sms) => (
            <article class="mail">
              <h3>{sms.to}</h3>
              <p class="hint">
                {m.from}
                {colon}
                {sms.from} · {m.at}
                {colon}
                {sms.createdAt}
              </p>
              <pre>{sms.body}</pre>
            </article>
          ))}
        </section>
      ) : null}
    </Layout>
  );
}
