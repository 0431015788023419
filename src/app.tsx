// createApp: every route, the same on Node and on Workers. The runtime hands in its deps.
import { Hono, type Context } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import type { AppEnv, AppOptions } from './app-env.ts';
import type { Deps } from './deps.ts';
import { messages } from './i18n/index.ts';
import { apiError, apiRoutes } from './routes/api.ts';
import { confirmRoutes } from './routes/confirm.tsx';
import { devMailboxRoutes } from './routes/dev-mailbox.tsx';
import { notFoundPage, page, requestLocale } from './routes/render.tsx';
import { signupRoutes } from './routes/signup.tsx';
import { MessagePage } from '../views/pages/message.tsx';

export function createApp(resolveDeps: (c: Context) => Deps, options: AppOptions = {}) {
  const app = new Hono<AppEnv>();

  app.use('*', async (c, next) => {
    c.set('deps', resolveDeps(c));
    c.set('ip', options.clientIp?.(c) ?? null);
    await next();
  });
  app.use(
    '*',
    secureHeaders({
      // Tokens travel in URLs: never hand them to another site in a Referer.
      referrerPolicy: 'no-referrer',
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
    }),
  );

  if (options.staticFiles) app.use('/static/*', options.staticFiles);
  app.get('/', (c) => c.redirect('/s/demo'));
  app.route('/s', signupRoutes);
  app.route('/c', confirmRoutes);
  app.route('/dev', devMailboxRoutes);
  app.route('/api/v1', apiRoutes);
  app.all('/api/*', (c) => apiError(c, 'not_found', `No API route ${c.req.method} ${c.req.path}.`));

  app.notFound((c) => notFoundPage(c));
  app.onError((error, c) => {
    c.var.deps?.log.error(`${c.req.method} ${c.req.path} failed`, error);
    if (c.req.path.startsWith('/api/')) {
      return c.json({ error: { code: 'internal', message: 'Something went wrong; nothing was changed.' } }, 500);
    }
    const locale = requestLocale(c, 'en');
    const t = messages(locale);
    return page(c, 500, <MessagePage lang={locale} title={t.errors.serverTitle} paragraphs={[t.errors.serverBody]} tone="error" />);
  });
  return app;
}
