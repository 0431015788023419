// Operators in the console, for owners: the CLI's operator commands (domain/operators.ts) on a page.
import { Hono } from 'hono';
import type { AppContext, AppEnv } from '../../app-env.ts';
import { createOperator, disableOperatorById, findOperator, listOperators, OperatorError, resetOperatorById } from '../../domain/operators.ts';
import { siteNames } from '../../domain/site-admin.ts';
import { OperatorsPage } from '../../../views/admin/operators-page.tsx';
import { errorPage, formText, notFoundPage, page, readForm } from '../render.tsx';
import { copy, redirect } from './shared.ts';

export const operatorPages = new Hono<AppEnv>();

operatorPages.use('*', async (c, next) => {
  const { t } = copy(c);
  if (c.var.operator.role !== 'owner') return errorPage(c, 403, () => [t.operators.ownersOnly, t.operators.ownersOnly]);
  return next();
});

async function answer(c: AppContext, status: 200 | 201 | 400, shown: { setup?: { email: string; url: string }; notice?: string | null; error?: string; email?: string } = {}) {
  const sites = await siteNames(c.var.deps.db);
  return page(
    c,
    status,
    <OperatorsPage
      {...copy(c)}
      operators={await listOperators(c.var.deps)}
      sites={sites}
      selfId={c.var.operator.id}
      setup={shown.setup ?? null}
      notice={shown.notice ?? null}
      error={shown.error ?? null}
      email={shown.email ?? ''}
    />,
  );
}

operatorPages.get('/', async (c) => {
  const disabled = c.req.query('disabled');
  return answer(c, 200, { notice: disabled ? copy(c).t.operators.disabled(disabled) : null });
});

operatorPages.post('/', async (c) => {
  const form = await readForm(c);
  const email = formText(form?.email).trim();
  const site = formText(form?.site);
  const role = formText(form?.role);
  try {
    // An owner works on every site: the site chosen, if any, does not apply to one.
    const { setupUrl } = await createOperator(c.var.deps, { email, role, siteId: site === '' || role === 'owner' ? undefined : site });
    return answer(c, 201, { setup: { email, url: setupUrl } });
  } catch (error) {
    if (!(error instanceof OperatorError)) throw error;
    return answer(c, 400, { error: error.message, email });
  }
});

/** Another operator of this deployment (an owner does not disable or reset themselves here). */
async function otherOperator(c: AppContext) {
  const id = c.req.param('id') ?? '';
  if (id === c.var.operator.id) return 'self' as const;
  return (await findOperator(c.var.deps, id)) ?? null;
}

operatorPages.post('/:id/disable', async (c) => {
  const target = await otherOperator(c);
  if (target === 'self') return answer(c, 400, { error: copy(c).t.operators.notYourself });
  if (!target) return notFoundPage(c);
  await disableOperatorById(c.var.deps, target.id);
  const email = await c.var.deps.cipher.decrypt(target.email);
  return redirect(c, `/admin/operators?lang=${copy(c).lang}&disabled=${encodeURIComponent(email)}`);
});

operatorPages.post('/:id/reset', async (c) => {
  const target = await otherOperator(c);
  if (target === 'self') return answer(c, 400, { error: copy(c).t.operators.notYourself });
  if (!target) return notFoundPage(c);
  const url = await resetOperatorById(c.var.deps, target.id);
  return answer(c, 201, { setup: { email: await c.var.deps.cipher.decrypt(target.email), url } });
});
