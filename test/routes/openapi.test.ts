import { describe, expect, it } from 'vitest';
import { makeTestApp } from '../helpers/test-app.ts';

describe('GET /api/v1/openapi.json', () => {
  it('describes every API route the app serves, and nothing it does not', async () => {
    const t = await makeTestApp();
    const res = await t.request('/api/v1/openapi.json');
    expect(res.status).toBe(200);
    const doc = await res.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers).toEqual([{ url: 'https://assent.test/api/v1' }]);

    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    const served = t.app.routes
      .filter((r) => r.path.startsWith('/api/v1/') && !r.path.endsWith('*') && r.method !== 'ALL')
      .filter((r) => r.path !== '/api/v1/openapi.json')
      .map((r) => `${r.method} ${r.path.slice('/api/v1'.length).replace(/:(\w+)/g, '{$1}')}`);
    expect(documented).toEqual([...new Set(served)].sort());
    expect(documented.length).toBeGreaterThanOrEqual(5);
  });

  it('documents the key, the error shape and each route’s answers', async () => {
    const t = await makeTestApp();
    const doc = await (await t.request('/api/v1/openapi.json')).json();
    expect(doc.security).toEqual([{ apiKey: [] }]);
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.components.schemas.Error.properties.error.properties.code.enum).toContain('invalid_request');
    for (const operations of Object.values(doc.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>)) {
      for (const operation of Object.values(operations)) {
        expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['400', '401', '404']));
        expect(Object.keys(operation.responses).some((status) => status === '200' || status === '201')).toBe(true);
      }
    }
    const lookup = doc.paths['/sites/{site}/contacts/lookup'].post;
    expect(lookup.requestBody.content['application/json'].schema.properties.email.maxLength).toBe(254);
  });

  it('documents the 415 on every route that reads a JSON body, and each of them answers it', async () => {
    const t = await makeTestApp();
    const doc = await (await t.request('/api/v1/openapi.json')).json();
    type Operation = { requestBody?: { content: Record<string, unknown> }; responses: Record<string, unknown> };
    const withBody = Object.entries(doc.paths as Record<string, Record<string, Operation>>).flatMap(([path, operations]) =>
      Object.entries(operations)
        .filter(([, operation]) => operation.requestBody?.content['application/json'])
        .map(([method, operation]) => ({ method, path, operation })),
    );
    expect(withBody.length).toBeGreaterThanOrEqual(9);
    for (const { method, path, operation } of withBody) {
      expect(Object.keys(operation.responses), `${method} ${path}`).toContain('415');
      const url = '/api/v1' + path.replace('{site}', 'demo').replace('{key}', 'newsletter').replace(/\{\w+\}/g, 'x');
      const res = await t.request(url, {
        method: method.toUpperCase(),
        headers: { Authorization: 'Bearer test-admin-key-0123456789', 'Content-Type': 'text/plain' },
        body: 'not json',
      });
      expect(res.status, `${method} ${path}`).toBe(415);
    }
  });

  it('is served without a key but not when the API is off', async () => {
    const off = await makeTestApp({ ADMIN_API_KEY: '' });
    expect((await off.request('/api/v1/openapi.json')).status).toBe(404);
  });
});

describe('validation errors', () => {
  it('name each bad field in details', async () => {
    const t = await makeTestApp();
    const res = await t.request('/api/v1/sites/demo/contacts/links', {
      method: 'POST',
      headers: { Authorization: 'Bearer test-admin-key-0123456789', 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 42, category: '' }),
    });
    expect(res.status).toBe(400);
    const { error } = await res.json();
    expect(error.code).toBe('invalid_request');
    expect(error.details.map((d: { path: string }) => d.path).sort()).toEqual(['category', 'email']);
  });

  it('answer 415 to a body that is not JSON', async () => {
    const t = await makeTestApp();
    const res = await t.request('/api/v1/sites/demo/contacts/lookup', {
      method: 'POST',
      headers: { Authorization: 'Bearer test-admin-key-0123456789', 'Content-Type': 'text/plain' },
      body: 'email=a@example.com',
    });
    expect(res.status).toBe(415);
    expect((await res.json()).error.code).toBe('unsupported_media_type');
  });
});
