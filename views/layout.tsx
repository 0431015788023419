// The frame of every page. Pages work without JavaScript; htmx only adds smoothness later.
import type { Child } from 'hono/jsx';
import { useAsset } from './assets.ts';
import { useHref } from './base-url.ts';
import { useBrand } from './brand.ts';

export interface LanguageLink {
  locale: string;
  label: string;
  path: string;
}

export interface LayoutProps {
  lang: string;
  title: string;
  /** This page in the other languages. */
  languages?: LanguageLink[];
  languageLabel?: string;
  /** Load htmx (pages that work without it, but save field by field with it). */
  htmx?: boolean;
  /** The iframe embed's layout: no outer margins, and it tells the framing page its height. */
  compact?: boolean;
  children: Child;
}

export function Layout(props: LayoutProps) {
  const brand = useBrand();
  return (
    <html lang={props.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{props.title}</title>
        <link rel="icon" href={useAsset('/static/favicon.svg')} type="image/svg+xml" />
        <link rel="stylesheet" href={useAsset('/static/app.css')} />
        {brand?.stylesheet ? <link rel="stylesheet" href={useHref(brand.stylesheet)} /> : null}
        {props.htmx ? (
          <>
            {/* The CSP forbids inline styles: htmx must not inject its indicator style. */}
            <meta name="htmx-config" content='{"includeIndicatorStyles":false,"allowEval":false}' />
            <script src={useAsset('/static/vendor/htmx.min.js')} defer></script>
          </>
        ) : null}
        {props.compact ? <script src={useAsset('/static/embed-frame.js')} defer></script> : null}
      </head>
      <body class={props.compact ? 'compact' : undefined}>
        <main class="card">
          {brand?.logo && !props.compact ? <img class="brand-logo" src={useHref(brand.logo)} alt={brand.name} /> : null}
          {props.children}
        </main>
        {props.languages && props.languages.length > 0 ? (
          <nav class="languages" aria-label={props.languageLabel}>
            {props.languages.map((link) => (
              <a href={useHref(link.path)} lang={link.locale} hreflang={link.locale}>
                {link.label}
              </a>
            ))}
          </nav>
        ) : null}
      </body>
    </html>
  );
}
