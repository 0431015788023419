// The console's embed page: the three snippets of a site's form, ready to copy, and a preview.
import { raw } from 'hono/html';
import type { EmbedSnippets } from '../../src/routes/embed-snippets.ts';
import type { AdminMessages } from '../../src/i18n/admin.ts';
import { useHref } from '../base-url.ts';
import { Layout, type LanguageLink } from '../layout.tsx';
import { BackLink } from './parts.tsx';

export interface EmbedPageProps {
  lang: string;
  t: AdminMessages;
  languages: LanguageLink[];
  languageLabel: string;
  site: { id: string; name: string };
  origins: string[];
  formLang: string;
  formLanguages: { locale: string; name: string }[];
  snippets: EmbedSnippets;
}

export function EmbedPage(props: EmbedPageProps) {
  const e = props.t.embed;
  const snippet = (id: string, label: string, code: string) => (
    <div class="field">
      <label for={id}>{label}</label>
      <textarea id={id} readonly rows={6} spellcheck={false} class="snippet">
        {code}
      </textarea>
    </div>
  );
  return (
    <Layout lang={props.lang} title={`${e.title} · ${props.site.name}`} languages={props.languages} languageLabel={props.languageLabel}>
      <BackLink path={`/admin/sites/${props.site.id}?lang=${props.lang}`} label={props.site.name} />
      <h1>{e.title}</h1>
      <p>{e.intro}</p>
      {props.origins.length > 0 ? <p>{e.origins(props.origins.join(', '))}</p> : <p class="error">{e.noOrigins}</p>}
      <form method="get" action={useHref(`/admin/sites/${props.site.id}/embed`)} class="filters">
        <input type="hidden" name="lang" value={props.lang} />
        <div class="field">
          <label for="form-lang">{e.language}</label>
          <select name="form" id="form-lang">
            {props.formLanguages.map((language) => (
              <option value={language.locale} selected={language.locale === props.formLang}>
                {language.name}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" class="secondary">
          {e.show}
        </button>
      </form>
      {snippet('snippet-iframe', e.iframe, props.snippets.iframe)}
      {snippet('snippet-html', e.html, props.snippets.html)}
      {snippet('snippet-script', e.script, props.snippets.script)}
      <h2>{e.preview}</h2>
      {/* The plain form itself, made inert: it shows the form as the site's visitors see it, and cannot be sent from here. */}
      <div class="preview" inert>
        {raw(props.snippets.html)}
      </div>
    </Layout>
  );
}
