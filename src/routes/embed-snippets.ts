// The three copy-paste snippets of a site's signup form (iframe, plain HTML form, script embed)
// in one language: what the operator API's GET .../embed answers and the console shows.
import type { AppContext } from '../app-env.ts';
import type { SiteRow } from '../db/schema.ts';
import type { Locale } from '../i18n/index.ts';
import { htmlSnippet, iframeSnippet, scriptSnippet, type SnippetProps } from '../../views/embeds/snippets.tsx';
import { formScreen, snippetProps } from './form-screens.tsx';
import { loadForm } from './signup-submission.ts';

export interface EmbedSnippets {
  iframe: string;
  html: string;
  script: string;
}

/** `returnTo` must already be on one of the site's allowed origins (or null). */
export async function embedSnippets(c: AppContext, site: SiteRow, lang: Locale, returnTo: string | null): Promise<EmbedSnippets> {
  const form = await loadForm(c, site, lang, 'html');
  // The plain form names itself, so the events of its signups can point at exactly this HTML.
  const { sha256 } = await formScreen(c, form, returnTo);
  const props: SnippetProps = { ...snippetProps(c, form, returnTo), formSha256: sha256 };
  return { iframe: await iframeSnippet(props), html: await htmlSnippet(props), script: await scriptSnippet(props) };
}
