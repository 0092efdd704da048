// The OpenAPI 3.1 document, derived from the route table. OpenAPI 3.1 speaks JSON Schema 2020-12, so
// the TypeBox schemas go in as they are.

import type { TSchema } from 'typebox';
import { ERROR_STATUSES, ErrorBody, templatePath, type RouteDef, type RouteTable } from './route.ts';

export interface OpenApiDocument {
  readonly openapi: '3.1.0';
  readonly info: { readonly title: string; readonly version: string; readonly description: string };
  readonly paths: Record<string, Record<string, Operation>>;
  readonly components: { readonly schemas: Record<string, unknown>; readonly securitySchemes: Record<string, unknown> };
}

export interface Operation {
  readonly operationId: string;
  readonly summary: string;
  readonly 'x-role': string;
  readonly security: readonly Record<string, readonly string[]>[];
  readonly parameters: readonly Parameter[];
  readonly requestBody?: { readonly required: true; readonly content: Record<string, { schema: unknown }> };
  readonly responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }>;
}

interface Parameter {
  readonly name: string;
  readonly in: 'path' | 'query';
  readonly required: boolean;
  readonly schema: unknown;
}

const SECURITY = [{ apiKey: [] }, { bearer: [] }, { sessionCookie: [] }] as const;

function parameters(schema: TSchema | undefined, where: 'path' | 'query'): Parameter[] {
  if (schema === undefined) return [];
  const object = schema as { properties?: Record<string, unknown>; required?: readonly string[] };
  const required = new Set(object.required ?? []);
  return Object.entries(object.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    schema: property,
  }));
}

function operation(name: string, def: RouteDef): Operation {
  const produces = def.produces ?? 'application/json';
  const responses: Operation['responses'] = {};
  for (const [status, schema] of Object.entries(def.responses)) {
    responses[status] = status === '204' ? { description: 'No content' } : { description: 'Success', content: { [produces]: { schema } } };
  }
  const errors = Object.entries(ERROR_STATUSES).filter(([status]) => def.access !== 'public' || (status !== '401' && status !== '403'));
  for (const [status, description] of errors) {
    responses[status] = { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } } };
  }
  return {
    operationId: name,
    summary: def.summary,
    'x-role': def.access,
    security: def.access === 'public' ? [] : SECURITY,
    parameters: [...parameters(def.params, 'path'), ...parameters(def.query, 'query')],
    ...(def.body === undefined ? {} : { requestBody: { required: true as const, content: { 'application/json': { schema: def.body } } } }),
    responses,
  };
}

export function openApiDocument(table: RouteTable, info: { title: string; version: string }): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const [name, def] of Object.entries(table)) {
    const path = (paths[templatePath(def.path)] ??= {});
    path[def.method.toLowerCase()] = operation(name, def);
  }
  return {
    openapi: '3.1.0',
    info: {
      ...info,
      description:
        'The slsk-ts daemon API. Roles: read < write < admin; each operation names its role in x-role. ' +
        'Errors are JSON: {"error": code, "message": what to do, "field": JSON pointer of the bad input}.',
    },
    paths,
    components: {
      schemas: { ErrorBody },
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        bearer: { type: 'http', scheme: 'bearer', description: 'An API key or the token returned by POST /api/v1/session' },
        sessionCookie: { type: 'apiKey', in: 'cookie', name: 'slsk_session', description: 'State-changing requests also need the X-Requested-With header' },
      },
    },
  };
}
