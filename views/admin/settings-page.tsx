// A site's settings in the console: the sender and policy, where the form may be embedded, the
// accent colour (with a preview of a button) and the logo (its own form: a file upload).
import { SITE_TEXT_LIMITS } from '../../src/domain/site-fields.ts';
import { LOCALES } from '../../src/i18n/index.ts';
import { useHref } from '../base-url.ts';
import { Layout } from '../layout.tsx';
import { Field } from './form-fields.tsx';
import { Alert, BackLink, Notice, type SiteFormFrame } from './parts.tsx';

/** The form's fields as typed (or as stored), by the API's field names. */
export type SettingsValues = Record<SettingsField, string>;
export const SETTINGS_FIELDS = [
  'name',
  'legalName',
  'postalAddress',
  'inquiryContact',
  'senderAddress',
  'privacyPolicyUrl',
  'privacyPolicyVersion',
  'defaultLocale',
  'timeZone',
  'allowedOrigins',
  'accentColor',
  'defaultCountry',
  /** '1' when ticked. */
  'smsRatesNotice',
] as const;
export type SettingsField = (typeof SETTINGS_FIELDS)[number];

export interface SettingsPageProps extends SiteFormFrame {
  values: SettingsValues;
  errors: Partial<Record<SettingsField | 'logo', string>>;
  mayChange: boolean;
  notice: string | null;
  languageNames: Record<string, string>;
  logoPath: string | null;
  /** The colour the preview button shows: the one typed when it is valid, else the current. */
  previewAccent: string;
  /** A new site: its id is asked for, and the logo comes later, on its settings page. */
  creating?: { id: string; error: string | undefined };
}

const MAX: Partial<Record<SettingsField, number>> = { ...SITE_TEXT_LIMITS, accentColor: 7, defaultCountry: 2 };

export function SettingsPage(props: SettingsPageProps) {
  const s = props.s.settings;
  const base = props.creating ? '/admin/new-site' : `/admin/sites/${props.site.id}/settings`;
  const title = props.creating ? s.newTitle : s.title;
  const readOnly = !props.mayChange;
  const field = (name: SettingsField, extra: { inputmode?: 'url' | 'email'; required?: boolean; multiline?: boolean; placeholder?: string; list?: string } = {}) => {
    const [label, hint] = s.fields[name] ?? [name, ''];
    return (
      <Field
        id={name}
        label={label}
        hint={hint}
        error={props.errors[name]}
        value={props.values[name]}
        readOnly={readOnly}
        maxlength={MAX[name]}
        inputmode={extra.inputmode}
        required={extra.required}
        multiline={extra.multiline}
        placeholder={extra.placeholder}
      />
    );
  };
  const hasErrors = SETTINGS_FIELDS.some((name) => props.errors[name]) || Boolean(props.creating?.error);
  const [localeLabel, localeHint] = s.fields.defaultLocale!;
  return (
    <Layout lang={props.lang} title={`${title} · ${props.site.name}`} languages={props.languages} languageLabel={props.languageLabel}>
      <BackLink path={props.creating ? `/admin?lang=${props.lang}` : `/admin/sites/${props.site.id}?lang=${props.lang}`} label={props.site.name} />
      <h1>{title}</h1>
      <p>{props.creating ? s.newIntro : s.intro}</p>
      {readOnly ? <p class="hint">{s.readOnly}</p> : null}
      <Notice text={props.notice} />
      <Alert text={hasErrors ? s.problems : null} />
      <form method="post" action={useHref(`${base}?lang=${props.lang}`)} novalidate>
        {props.creating ? (
          <Field id="id" label={s.id[0]} hint={s.id[1]} error={props.creating.error} value={props.creating.id} maxlength={50} required />
        ) : null}
        <fieldset>
          <legend>{s.identity}</legend>
          {field('name', { required: true })}
          {field('legalName', { required: true })}
          {field('postalAddress', { required: true })}
          {field('inquiryContact', { required: true })}
          {field('senderAddress', { inputmode: 'email' })}
          {field('privacyPolicyUrl', { inputmode: 'url', required: true })}
          {field('privacyPolicyVersion', { required: true })}
          <div class={props.errors.defaultLocale ? 'field invalid' : 'field'}>
            <label for="defaultLocale">{localeLabel}</label>
            <p class="hint" id="defaultLocale-hint">
              {localeHint}
            </p>
            {props.errors.defaultLocale ? (
              <p class="error" id="defaultLocale-error">
                {props.errors.defaultLocale}
              </p>
            ) : null}
            <select
              id="defaultLocale"
              name="defaultLocale"
              disabled={readOnly}
              aria-describedby={props.errors.defaultLocale ? 'defaultLocale-hint defaultLocale-error' : 'defaultLocale-hint'}
              aria-invalid={props.errors.defaultLocale ? 'true' : undefined}
            >
              {LOCALES.map((locale) => (
                <option value={locale} selected={props.values.defaultLocale === locale}>
                  {props.languageNames[locale]}
                </option>
              ))}
            </select>
          </div>
          {field('timeZone', { required: true, placeholder: 'Asia/Tokyo' })}
        </fieldset>
        <fieldset>
          <legend>{s.embedding}</legend>
          {field('allowedOrigins', { multiline: true, placeholder: 'https://shop.example' })}
        </fieldset>
        <fieldset>
          <legend>{s.sms}</legend>
          {field('defaultCountry', { placeholder: 'JP' })}
          <label class="choice long">
            <input type="checkbox" name="smsRatesNotice" value="1" checked={props.values.smsRatesNotice === '1'} disabled={readOnly} /> {s.smsRatesNotice}
          </label>
        </fieldset>
        <fieldset>
          <legend>{s.look}</legend>
          {field('accentColor', { placeholder: '#1d4ed8' })}
          <svg class="accent-preview" width="180" height="44" viewBox="0 0 180 44" role="img" aria-label={`${s.preview}: ${props.previewAccent}`}>
            <rect width="180" height="44" rx="6" fill={props.previewAccent} />
            <text x="90" y="28" text-anchor="middle" fill="#ffffff" font-size="16" font-weight="600">
              {s.previewLabel}
            </text>
          </svg>
        </fieldset>
        {props.mayChange ? <button type="submit">{props.creating ? s.create : s.save}</button> : null}
      </form>
      {props.creating ? null : <LogoPart {...props} base={base} />}
    </Layout>
  );
}

function LogoPart(props: SettingsPageProps & { base: string }) {
  const s = props.s.settings;
  const { base } = props;
  return (
    <>
      <h2 id="logo">{s.logo}</h2>
      <p class="hint">{s.logoHint}</p>
      {props.logoPath ? (
        <>
          <p>{s.logoCurrent}</p>
          <img class="logo-preview" src={useHref(props.logoPath)} alt={props.site.name} />
        </>
      ) : (
        <p>{s.logoNone}</p>
      )}
      {props.mayChange ? (
        <>
          <form method="post" action={useHref(`${base}/logo?lang=${props.lang}`)} enctype="multipart/form-data">
            <div class={props.errors.logo ? 'field invalid' : 'field'}>
              <label for="logo-file">{s.logoUpload}</label>
              {props.errors.logo ? (
                <p class="error" id="logo-error">
                  {props.errors.logo}
                </p>
              ) : null}
              <input type="file" id="logo-file" name="logo" accept="image/png,image/jpeg,image/gif,image/webp" aria-describedby={props.errors.logo ? 'logo-error' : undefined} aria-invalid={props.errors.logo ? 'true' : undefined} />
            </div>
            <button type="submit">{s.logoUpload}</button>
          </form>
          {props.logoPath ? (
            <form method="post" action={useHref(`${base}/logo/delete?lang=${props.lang}`)}>
              <p>
                <button type="submit" class="secondary">
                  {s.logoRemove}
                </button>
              </p>
            </form>
          ) : null}
        </>
      ) : null}
    </>
  );
}
