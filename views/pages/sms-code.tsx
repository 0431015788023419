// The page that takes the code texted to a number, and the page after it.
import type { Messages } from '../../src/i18n/index.ts';
import { useHref } from '../base-url.ts';
import { Layout } from '../layout.tsx';

export interface SmsCodePageProps {
  t: Messages;
  lang: string;
  /** The number, mostly masked. */
  masked: string;
  action: string;
  /** ?lang=… (and &email=1), kept on the forms' actions. */
  query: string;
  /** The same signup chose emails too: their link comes by email. */
  alsoEmail: boolean;
  ttl: string;
  error: string | null;
  notice: string | null;
}

export function SmsCodePage(props: SmsCodePageProps) {
  const c = props.t.smsCode;
  return (
    <Layout lang={props.lang} title={props.error ? props.t.signup.errorTitle(c.title) : c.title}>
      <h1>{c.title}</h1>
      <p>{c.body(props.masked)}</p>
      {props.alsoEmail ? <p>{c.alsoEmail}</p> : null}
      {props.notice ? (
        <p class="tone-success" role="status">
          {props.notice}
        </p>
      ) : null}
      <form method="post" action={useHref(`${props.action}${props.query}`)} novalidate>
        <div class={props.error ? 'field invalid' : 'field'}>
          <label for="code">{c.code}</label>
          {props.error ? (
            <p class="error" id="code-error" role="alert">
              {props.error}
            </p>
          ) : null}
          <input
            type="text"
            name="code"
            id="code"
            value=""
            inputmode="numeric"
            autocomplete="one-time-code"
            maxlength={12}
            class="code"
            aria-invalid={props.error ? 'true' : undefined}
            aria-describedby={props.error ? 'code-error code-hint' : 'code-hint'}
          />
          <p class="hint" id="code-hint">
            {c.expiry(props.ttl)}
          </p>
        </div>
        <button type="submit">{c.submit}</button>
      </form>
      <form method="post" action={useHref(`${props.action}/resend${props.query}`)}>
        <p>
          <button type="submit" class="secondary">
            {c.resend}
          </button>
        </p>
      </form>
    </Layout>
  );
}

export function SmsConfirmedPage(props: { t: Messages; lang: string; siteName: string; names: string[] }) {
  const c = props.t.smsCode;
  return (
    <Layout lang={props.lang} title={c.doneTitle}>
      <h1>{c.doneTitle}</h1>
      {props.names.length > 0 ? (
        <>
          <p>{c.doneIntro(props.siteName)}</p>
          <ul>
            {props.names.map((name) => (
              <li>{name}</li>
            ))}
          </ul>
        </>
      ) : (
        <p>{props.t.confirm.doneNone}</p>
      )}
      <p>{c.doneOutro}</p>
    </Layout>
  );
}
