// The console's sign-in and setup pages: plain forms, no JavaScript needed.
import type { AdminMessages } from '../../src/i18n/admin.ts';
import { useHref } from '../base-url.ts';
import { Layout, type LanguageLink } from '../layout.tsx';
import { EmailField } from '../partials/email-field.tsx';

interface Common {
  lang: string;
  t: AdminMessages;
  languages: LanguageLink[];
  languageLabel: string;
}

export function SignInPage(props: Common & { email: string; error: string | null; notice: string | null }) {
  const s = props.t.signIn;
  return (
    <Layout lang={props.lang} title={`${s.title} · ${props.t.console}`} languages={props.languages} languageLabel={props.languageLabel}>
      <h1>{s.title}</h1>
      {props.notice ? <p class="tone-success" role="status">{props.notice}</p> : <p>{s.intro}</p>}
      {props.error ? (
        <p class="error" role="alert" id="sign-in-error">
          {props.error}
        </p>
      ) : null}
      <form method="post" action={useHref(`/admin/login?lang=${props.lang}`)}>
        <EmailField label={s.email} value={props.email} error={null} />
        <div class="field">
          <label for="password">{s.password}</label>
          <input type="password" name="password" id="password" autocomplete="current-password" maxlength={200} required aria-describedby={props.error ? 'sign-in-error' : undefined} />
        </div>
        <button type="submit">{s.submit}</button>
      </form>
    </Layout>
  );
}

export function SetupPage(props: Common & { email: string; action: string; error: string | null }) {
  const s = props.t.setup;
  return (
    <Layout lang={props.lang} title={`${s.title} · ${props.t.console}`} languages={props.languages} languageLabel={props.languageLabel}>
      <h1>{s.title}</h1>
      <p>{s.intro(props.email)}</p>
      <form method="post" action={useHref(props.action)}>
        {/* For password managers: the account this password belongs to. */}
        <input type="hidden" name="username" value={props.email} autocomplete="username" />
        <div class={props.error ? 'field invalid' : 'field'}>
          <label for="password">{s.password}</label>
          <p class="hint" id="password-hint">
            {s.passwordHint}
          </p>
          {props.error ? (
            <p class="error" id="password-error">
              {props.error}
            </p>
          ) : null}
          <input
            type="password"
            name="password"
            id="password"
            autocomplete="new-password"
            minlength={12}
            maxlength={200}
            required
            aria-invalid={props.error ? 'true' : undefined}
            aria-describedby={props.error ? 'password-hint password-error' : 'password-hint'}
          />
        </div>
        <div class="field">
          <label for="repeat">{s.repeat}</label>
          <input type="password" name="repeat" id="repeat" autocomplete="new-password" maxlength={200} required />
        </div>
        <button type="submit">{s.submit}</button>
      </form>
    </Layout>
  );
}
