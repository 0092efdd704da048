// The search routes and their schemas (spread into the route table in routes.ts). Imports only typebox:
// the browser client imports the table.

import { Type, type Static } from 'typebox';
import { route } from './route.ts';

const SearchId = Type.Object({ id: Type.String({ pattern: '^[0-9a-fA-F-]{36}$', description: 'The search id (a UUID)' }) });

export const SearchRecordJson = Type.Object(
  {
    id: Type.String(),
    query: Type.String(),
    scope: Type.Union([Type.Literal('network'), Type.Literal('room'), Type.Literal('user'), Type.Literal('buddies')]),
    target: Type.Optional(Type.String({ description: 'The room or user searched (scope room / user)' })),
    filter: Type.String({ description: "The filter the responses were kept by ('' for none)" }),
    state: Type.Union([Type.Literal('requested'), Type.Literal('in-progress'), Type.Literal('completed'), Type.Literal('cancelled'), Type.Literal('errored')]),
    startedAt: Type.String({ format: 'date-time' }),
    endedAt: Type.Optional(Type.String({ format: 'date-time' })),
    responseCount: Type.Integer({ minimum: 0 }),
    fileCount: Type.Integer({ minimum: 0 }),
  },
  { title: 'Search' },
);
export type SearchRecordJson = Static<typeof SearchRecordJson>;

export const SearchFileJson = Type.Object(
  {
    filename: Type.String({ description: 'The full virtual path as the sharer sent it' }),
    size: Type.Number({ minimum: 0, description: 'Bytes' }),
    extension: Type.String(),
    locked: Type.Boolean({ description: "Only the sharer's buddies may download it" }),
    bitrate: Type.Optional(Type.Number({ description: 'kbit/s' })),
    duration: Type.Optional(Type.Number({ description: 'Seconds' })),
    sampleRate: Type.Optional(Type.Number({ description: 'Hz' })),
    bitDepth: Type.Optional(Type.Number()),
    vbr: Type.Optional(Type.Boolean()),
  },
  { title: 'SearchFile' },
);

export const SearchResponseJson = Type.Object(
  {
    seq: Type.Integer({ description: 'Pass the last one seen as `after` for the next page' }),
    username: Type.String(),
    hasFreeUploadSlot: Type.Boolean(),
    uploadSpeed: Type.Number({ description: 'Bytes/s' }),
    queueLength: Type.Number(),
    receivedAt: Type.String({ format: 'date-time' }),
    files: Type.Array(SearchFileJson),
  },
  { title: 'SearchResponse' },
);
export type SearchResponseJson = Static<typeof SearchResponseJson>;

export const StartSearchRequest = Type.Object(
  {
    query: Type.String({ minLength: 1, maxLength: 1000 }),
    scope: Type.Optional(Type.Union([Type.Literal('network'), Type.Literal('room'), Type.Literal('user'), Type.Literal('buddies')])),
    target: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'The room (scope room) or user (scope user)' })),
    filter: Type.Optional(Type.String({ maxLength: 1000, description: 'Result filter (see the filter syntax): files not passing it are not kept' })),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 1000, maximum: 600_000 })),
    maxResults: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'Files kept before the search ends' })),
  },
  { title: 'StartSearch', additionalProperties: false },
);

export const searchRoutes = {
  startSearch: route({
    method: 'POST',
    path: '/api/v1/searches',
    access: 'write',
    summary: 'Start a search; its responses arrive as searchResponses events and under /responses (429 when too many run)',
    body: StartSearchRequest,
    responses: { 201: SearchRecordJson },
  }),
  searches: route({
    method: 'GET',
    path: '/api/v1/searches',
    access: 'read',
    summary: 'The searches kept, newest first; pass the last id as `before` for the next page',
    query: Type.Object({
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
      before: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F-]{36}$' })),
    }),
    responses: { 200: Type.Array(SearchRecordJson) },
  }),
  search: route({
    method: 'GET',
    path: '/api/v1/searches/:id',
    access: 'read',
    summary: 'One search: state and totals',
    params: SearchId,
    responses: { 200: SearchRecordJson },
  }),
  searchResponses: route({
    method: 'GET',
    path: '/api/v1/searches/:id/responses',
    access: 'read',
    summary: "A search's kept responses in arrival order; pass the last `seq` as `after` for the next page",
    params: SearchId,
    query: Type.Object({
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
      after: Type.Optional(Type.Integer({ minimum: 0 })),
    }),
    responses: { 200: Type.Array(SearchResponseJson) },
  }),
  stopSearch: route({
    method: 'PUT',
    path: '/api/v1/searches/:id/stop',
    access: 'write',
    summary: 'End a running search now (its responses stay); a finished one is returned as is',
    params: SearchId,
    responses: { 200: SearchRecordJson },
  }),
  deleteSearch: route({
    method: 'DELETE',
    path: '/api/v1/searches/:id',
    access: 'write',
    summary: 'Stop a search if running and delete it with its responses',
    params: SearchId,
    responses: { 204: Type.Null() },
  }),
} as const;
