// The OpenAPI document and the docs page are derived from the route table: every route appears with its
// method, role and schemas, as served over HTTP.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { routes } from '../../src/daemon/http/routes.ts';
import { ErrorBody, templatePath, type RouteDef } from '../../src/daemon/http/route.ts';
import type { OpenApiDocument } from '../../src/daemon/http/openapi.ts';
import { startFixture } from './http-fixture.ts';

const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

test('/api/v1/openapi.json holds every route of the table with its schemas', async (t) => {
  const f = await startFixture(t);
  const response = await fetch(`${f.url}/api/v1/openapi.json`);
  assert.equal(response.status, 200);
  const doc = (await response.json()) as OpenApiDocument;
  assert.equal(doc.openapi, '3.1.0');
  assert.equal(doc.info.version, '0.1.0-test');
  assert.deepEqual(doc.components.schemas['ErrorBody'], plain(ErrorBody));

  let operations = 0;
  for (const [name, def] of Object.entries(routes) as [string, RouteDef][]) {
    const op = doc.paths[templatePath(def.path)]?.[def.method.toLowerCase()];
    assert.ok(op !== undefined, `${def.method} ${def.path} is in the document`);
    operations++;
    assert.equal(op.operationId, name);
    assert.equal(op['x-role'], def.access);
    assert.equal(op.summary, def.summary);
    assert.deepEqual(op.security, def.access === 'public' ? [] : [{ apiKey: [] }, { bearer: [] }, { sessionCookie: [] }]);
    if (def.body === undefined) assert.equal(op.requestBody, undefined);
    else assert.deepEqual(op.requestBody?.content['application/json']?.schema, plain(def.body));
    const declared = def.params === undefined ? [] : Object.keys((def.params as { properties: object }).properties);
    const queried = def.query === undefined ? [] : Object.keys((def.query as { properties: object }).properties);
    assert.deepEqual(op.parameters.map((p) => p.name), [...declared, ...queried]);
    for (const [status, schema] of Object.entries(def.responses)) {
      const reply: OpenApiDocument['paths'][string][string]['responses'][string] | undefined = op.responses[status];
      assert.ok(reply !== undefined, `${name} documents ${status}`);
      if (status !== '204') assert.deepEqual(reply.content?.[def.produces ?? 'application/json']?.schema, plain(schema));
    }
    assert.deepEqual(op.responses['400']?.content?.['application/json']?.schema, { $ref: '#/components/schemas/ErrorBody' });
    assert.equal(op.responses['401'] === undefined, def.access === 'public', `${name}: 401 documented unless public`);
  }
  const documented = Object.values(doc.paths).reduce((n, methods) => n + Object.keys(methods).length, 0);
  assert.equal(documented, operations, 'nothing in the document that is not in the table');
});

test('/api/v1/docs lists every route, self-contained (no scripts, nothing fetched from elsewhere)', async (t) => {
  const f = await startFixture(t);
  const response = await fetch(`${f.url}/api/v1/docs`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-security-policy') ?? '', /default-src 'none'/);
  const html = await response.text();
  for (const [name, def] of Object.entries(routes) as [string, RouteDef][]) {
    assert.ok(html.includes(`<code>${def.method} ${templatePath(def.path)}</code>`), `${name} is listed`);
    assert.ok(html.includes(`id="${name}"`));
  }
  assert.doesNotMatch(html, /<script|<link|src=|https?:\/\//i);
  assert.match(html, /&quot;minLength&quot;: 1/, 'request schemas are shown, escaped');
});
