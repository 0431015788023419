// A site's kinds of email in the console: the list in the pages' order (move, archive, edit),
// a form to add one with its texts per language, and the edit page that asks "minor or
// material" when the purpose or frequency changes.
import type { CategoryView } from '../../src/domain/site-admin.ts';
import { CATEGORY_TEXT_LIMITS } from '../../src/domain/site-fields.ts';
import { useHref } from '../base-url.ts';
import { Layout } from '../layout.tsx';
import { Field } from './form-fields.tsx';
import { Alert, BackLink, Notice, type SiteFormFrame } from './parts.tsx';

export const TEXT_FIELDS = ['name', 'description', 'purpose', 'frequency'] as const;
export type TextField = (typeof TEXT_FIELDS)[number];

/** What the forms hold, as typed: `en.name`, `ja.purpose`, `key`, `kind`, `termsChange`. */
export type CategoryFormValues = Record<string, string>;
/** Per form field (`en.name`), or per language (`en`), or `key`, `termsChange`. */
export type CategoryFormErrors = Record<string, string>;

interface Common extends SiteFormFrame {
  /** The site's languages, the default first, with their names. */
  locales: { locale: string; name: string; required: boolean }[];
  values: CategoryFormValues;
  errors: CategoryFormErrors;
  notice: string | null;
}

export function CategoriesPage(props: Common & { categories: CategoryView[]; nameOf(category: CategoryView): string; mayChange: boolean }) {
  const c = props.s.categories;
  const base = `/admin/sites/${props.site.id}/categories`;
  const last = props.categories.length - 1;
  return (
    <Layout lang={props.lang} title={`${c.title} · ${props.site.name}`} languages={props.languages} languageLabel={props.languageLabel}>
      <BackLink path={`/admin/sites/${props.site.id}?lang=${props.lang}`} label={props.site.name} />
      <h1>{c.title}</h1>
      <p>{c.intro}</p>
      <Notice text={props.notice} />
      {props.categories.length === 0 ? <p>{c.none}</p> : null}
      <ol class="category-list">
        {props.categories.map((category, index) => {
          const name = props.nameOf(category);
          const action = (path: string) => useHref(`${base}/${category.key}/${path}?lang=${props.lang}`);
          return (
            <li>
              <section class="figures" aria-labelledby={`category-${category.key}`}>
                <h2 id={`category-${category.key}`}>{name}</h2>
                <dl class="figure-list">
                  <dt>{c.key}</dt>
                  <dd>
                    <code>{category.key}</code>
                  </dd>
                  <dt>{c.kind}</dt>
                  <dd>{c.kinds[category.kind]}</dd>
                  <dt>{c.channels}</dt>
                  <dd>{category.channels.map((channel) => c.channelNames[channel]).join(', ')}</dd>
                  <dt>{c.state}</dt>
                  <dd>{category.archived ? c.archived : c.active}</dd>
                </dl>
                <p>
                  <a href={useHref(`${base}/${category.key}?lang=${props.lang}`)} aria-label={`${c.edit}: ${name}`}>
                    {c.edit}
                  </a>
                </p>
                {props.mayChange ? (
                  <div class="actions">
                    {index > 0 ? <MoveButton action={action('move')} position={index - 1} label={c.moveUp} name={name} /> : null}
                    {index < last ? <MoveButton action={action('move')} position={index + 1} label={c.moveDown} name={name} /> : null}
                    <form method="post" action={action(category.archived ? 'unarchive' : 'archive')}>
                      <button type="submit" class="secondary" aria-label={`${category.archived ? c.unarchive : c.archive}: ${name}`}>
                        {category.archived ? c.unarchive : c.archive}
                      </button>
                    </form>
                  </div>
                ) : null}
              </section>
            </li>
          );
        })}
      </ol>
      {props.mayChange ? (
        <>
          <h2 id="add">{c.addTitle}</h2>
          <Alert text={Object.keys(props.errors).length > 0 ? c.problems : null} />
          <form method="post" action={useHref(`${base}?lang=${props.lang}#add`)} novalidate>
            <Field id="key" label={c.key} hint={c.keyHint} error={props.errors.key} value={props.values.key ?? ''} maxlength={50} required />
            <fieldset>
              <legend>{c.kind}</legend>
              <p class="hint">{c.kindHint}</p>
              {(['opt_in', 'exempt'] as const).map((kind) => (
                <label class="choice long">
                  <input type="radio" name="kind" value={kind} checked={(props.values.kind || 'opt_in') === kind} /> {c.kinds[kind]}
                </label>
              ))}
            </fieldset>
            <ChannelChoices {...props} />
            <TextFieldsets {...props} />
            <button type="submit">{c.add}</button>
          </form>
        </>
      ) : null}
    </Layout>
  );
}

function MoveButton(props: { action: string; position: number; label: string; name: string }) {
  return (
    <form method="post" action={props.action}>
      <input type="hidden" name="position" value={String(props.position)} />
      <button type="submit" class="secondary" aria-label={`${props.label}: ${props.name}`}>
        {props.label}
      </button>
    </form>
  );
}

/** Which channels it is offered on: `values.channels` is "email", "sms" or "email sms". */
function ChannelChoices(props: Common & { readOnly?: boolean }) {
  const c = props.s.categories;
  const chosen = (props.values.channels ?? 'email').split(' ');
  return (
    <fieldset class={props.errors.channels ? 'invalid' : undefined}>
      <legend>{c.channels}</legend>
      {props.errors.channels ? <p class="error">{props.errors.channels}</p> : null}
      {(['email', 'sms'] as const).map((channel) => (
        <label class="choice">
          <input type="checkbox" name="channels" value={channel} checked={chosen.includes(channel)} disabled={props.readOnly} /> {c.channelNames[channel]}
        </label>
      ))}
    </fieldset>
  );
}

/** One fieldset per language with its four texts. */
function TextFieldsets(props: Common & { readOnly?: boolean }) {
  const c = props.s.categories;
  return (
    <>
      {props.locales.map(({ locale, name, required }) => (
        <fieldset class={props.errors[locale] ? 'invalid' : undefined} lang={locale}>
          <legend>{c.textsIn(name)}</legend>
          <p class="hint">{required ? c.requiredLanguage : c.optionalLanguage}</p>
          {props.errors[locale] ? <p class="error">{props.errors[locale]}</p> : null}
          {TEXT_FIELDS.map((field) => {
            const [label, hint] = c.fields[field]!;
            const id = `${locale}.${field}`;
            return (
              <Field
                id={id}
                label={label}
                hint={hint}
                error={props.errors[id]}
                value={props.values[id] ?? ''}
                maxlength={CATEGORY_TEXT_LIMITS[field]}
                multiline={field === 'description' || field === 'purpose'}
                readOnly={props.readOnly}
              />
            );
          })}
        </fieldset>
      ))}
    </>
  );
}

export function CategoryPage(props: Common & { category: CategoryView; name: string; mayChange: boolean; askTerms: boolean; materialSince: string | null }) {
  const c = props.s.categories;
  const base = `/admin/sites/${props.site.id}/categories`;
  return (
    <Layout lang={props.lang} title={`${c.editTitle(props.name)} · ${props.site.name}`} languages={props.languages} languageLabel={props.languageLabel}>
      <BackLink path={`${base}?lang=${props.lang}`} label={c.title} />
      <h1>{c.editTitle(props.name)}</h1>
      <p>
        {c.key}: <code>{props.category.key}</code> · {c.kinds[props.category.kind]}
      </p>
      {props.materialSince ? <p>{c.materialSince(props.materialSince)}</p> : null}
      <Notice text={props.notice} />
      <Alert text={Object.keys(props.errors).some((field) => field !== 'termsChange') ? c.problems : null} />
      <form method="post" action={useHref(`${base}/${props.category.key}?lang=${props.lang}`)} novalidate>
        {props.askTerms ? (
          <fieldset class={props.errors.termsChange ? 'invalid' : undefined} aria-describedby="terms-error">
            <legend>{c.termsQuestion}</legend>
            {props.errors.termsChange ? (
              <p class="error" id="terms-error" role="alert">
                {props.errors.termsChange}
              </p>
            ) : null}
            <label class="choice long">
              <input type="radio" name="termsChange" value="minor" checked={props.values.termsChange === 'minor'} /> {c.termsMinor}
            </label>
            <label class="choice long">
              <input type="radio" name="termsChange" value="material" checked={props.values.termsChange === 'material'} /> {c.termsMaterial}
            </label>
          </fieldset>
        ) : null}
        <ChannelChoices {...props} readOnly={!props.mayChange} />
        <TextFieldsets {...props} readOnly={!props.mayChange} />
        {props.mayChange ? <button type="submit">{c.save}</button> : null}
      </form>
    </Layout>
  );
}
