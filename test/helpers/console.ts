// For the console's route tests: operators made as the CLI makes them and signed in through
// their setup link, requests carrying their session cookie, forms, a second site.
import { createOperator } from '../../src/domain/operators.ts';
import { ADMIN_KEY, type TestApp } from './test-app.ts';

export const OPERATOR_PASSWORD = 'correct horse battery staple';

export const form = (fields: Record<string, string>): RequestInit => ({
  method: 'POST',
  body: new URLSearchParams(fields),
  headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
});

export const withCookie = (cookie: string, init: RequestInit = {}): RequestInit => ({
  ...init,
  headers: { ...(init.headers as Record<string, string>), Cookie: `assent_admin=${cookie}` },
});

/** A new operator who has chosen OPERATOR_PASSWORD on their setup link: their session and id. */
export async function signedInOperator(t: TestApp, email: string, role: string, siteId?: string) {
  const { setupUrl, operator } = await createOperator(t.deps, { email, role, siteId });
  const res = await t.request(new URL(setupUrl).pathname, form({ password: OPERATOR_PASSWORD, repeat: OPERATOR_PASSWORD }));
  const cookie = /assent_admin=([^;]+)/.exec(res.headers.get('Set-Cookie') ?? '')?.[1];
  if (!cookie) throw new Error(`the setup link of ${email} signed nobody in (${res.status})`);
  return { cookie, id: operator.id };
}

/** A second site, "tea", through the operator API. */
export async function addTeaSite(t: TestApp) {
  const res = await t.request('/api/v1/sites', {
    method: 'POST',
    headers: { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ id: 'tea', name: 'Tea House', legalName: 'Tea House K.K.', postalAddress: 'Kyoto', inquiryContact: 'hello@tea.example', privacyPolicyUrl: 'https://tea.example/privacy', privacyPolicyVersion: '1', defaultLocale: 'ja', timeZone: 'Asia/Tokyo' }),
  });
  if (res.status !== 201) throw new Error(`POST /api/v1/sites answered ${res.status}`);
}
