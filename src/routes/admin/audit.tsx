// The audit log in the console, for owners: what db/audit-log.ts lists for the API's
// GET /api/v1/audit, with filters by contact, operator and dates.
import { Hono } from 'hono';
import type { AppEnv } from '../../app-env.ts';
import { listAuditEntries } from '../../db/audit-log.ts';
import { isIsoDate } from '../../domain/consent-basis.ts';
import { listOperators } from '../../domain/operators.ts';
import { AuditPage, type AuditRowView } from '../../../views/admin/audit-page.tsx';
import { errorPage, page } from '../render.tsx';
import { copy } from './shared.ts';

export const auditPages = new Hono<AppEnv>();

const PAGE_SIZE = 50;

auditPages.get('/', async (c) => {
  const copied = copy(c);
  const a = copied.t.audit;
  if (c.var.operator.role !== 'owner') return errorPage(c, 403, () => [a.ownersOnly, a.ownersOnly]);
  const query = (name: string) => (c.req.query(name) ?? '').trim();
  const filters = { contact: query('contact'), operator: query('operator'), from: query('from'), to: query('to') };
  const before = Number(query('before'));
  const operators = await listOperators(c.var.deps);
  const badDate = [filters.from, filters.to].some((date) => date !== '' && !isIsoDate(date));
  const entries = badDate
    ? []
    : await listAuditEntries(c.var.deps.db, {
        limit: PAGE_SIZE,
        before: Number.isSafeInteger(before) && before > 0 ? before : undefined,
        contact: filters.contact || undefined,
        operator: filters.operator || undefined,
        from: filters.from ? `${filters.from}T00:00:00.000Z` : undefined,
        to: filters.to ? `${filters.to}T00:00:00.000Z` : undefined,
      });
  const emails = new Map(operators.map((operator) => [operator.id, operator.email]));
  const rows: AuditRowView[] = entries.map((entry) => ({
    id: entry.id,
    when: entry.occurred_at.replace('T', ' ').replace(/\.\d+Z$/, ''),
    who: entry.operator_id ? (emails.get(entry.operator_id) ?? entry.operator_id) : entry.key_id === 'admin' ? a.byAdminKey : entry.key_id ? a.byKey(entry.key_id) : a.nobody,
    request: `${entry.method} ${entry.route}`,
    site: entry.site_id ?? '—',
    contacts: [...new Set([entry.contact_id, ...entry.contact_ids].filter((id): id is string => id !== null))].join(' ') || '—',
    answer: entry.outcome === 'allowed' ? String(entry.status) : `${entry.status} ${entry.outcome}`,
  }));
  const last = entries.at(-1);
  const older =
    entries.length === PAGE_SIZE && last
      ? new URLSearchParams({ lang: copied.lang, ...Object.fromEntries(Object.entries(filters).filter(([, value]) => value !== '')), before: String(last.id) }).toString()
      : null;
  return page(
    c,
    badDate ? 400 : 200,
    <AuditPage {...copied} filters={filters} operators={operators.map(({ id, email }) => ({ id, email }))} rows={rows} error={badDate ? a.badDate : null} older={older} />,
  );
});
