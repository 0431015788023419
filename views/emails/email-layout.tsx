// Shared frame for HTML emails: inline styles only, since mail clients drop <style> and CSS files.
import type { Child } from 'hono/jsx';
import type { EmailBrand } from '../../src/domain/site-branding.ts';

export function EmailLayout(props: { lang: string; title: string; brand: EmailBrand; footer: Child; children: Child }) {
  return (
    <html lang={props.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.title}</title>
      </head>
      <body style="margin:0;padding:24px;background:#f4f4f5;font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Hiragino Sans','Noto Sans JP',sans-serif;color:#18181b;line-height:1.6">
        <div style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:28px">
          {props.brand.logoUrl ? (
            <img src={props.brand.logoUrl} alt={props.brand.name} height="48" style="display:block;height:48px;width:auto;max-width:200px;margin:0 0 20px;border:0" />
          ) : null}
          {props.children}
          <hr style="border:none;border-top:1px solid #e4e4e7;margin:28px 0 16px" />
          <div style="font-size:13px;color:#52525b">{props.footer}</div>
        </div>
      </body>
    </html>
  );
}
