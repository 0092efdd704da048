// slskd's HTTP API (`/api/v0`), the subset its tools call (soularr and slskd-python-api, the Lidarr
// plugins, qBitSlskd, MCP servers), each route declared once here with its schemas in slskd's field
// names. They are served by the daemon's HTTP server beside /api/v1 (same auth hook: X-API-Key or
// Bearer; read for GETs, write for changes) but are not in the OpenAPI document or the typed client,
// which describe /api/v1 only: these exist so tools written for slskd work unchanged.

import { Type } from 'typebox';
import { route } from '../http/route.ts';
import {
  AppState,
  BrowseReply,
  Directory,
  DirectoryRequest,
  EnqueueReply,
  EnqueueRequest,
  Options,
  QueryBool,
  Search,
  SearchParams,
  SearchRequest,
  SearchResponse,
  ServerState,
  SessionReply,
  SessionRequest,
  Transfer,
  TransferParams,
  UserEndpoint,
  UserInfo,
  UserParams,
  UserStatus,
  UserTransfers,
} from './schemas.ts';

const V0 = '/api/v0';

export const slskdRoutes = {
  v0Version: route({ method: 'GET', path: `${V0}/application/version`, access: 'read', summary: "The slskd version reported (a JSON string, N.N.N)", responses: { 200: Type.String() } }),
  v0Application: route({ method: 'GET', path: `${V0}/application`, access: 'read', summary: 'Version and server connection, as slskd reports them', responses: { 200: AppState } }),
  v0Server: route({ method: 'GET', path: `${V0}/server`, access: 'read', summary: 'The server connection', responses: { 200: ServerState } }),
  v0Options: route({ method: 'GET', path: `${V0}/options`, access: 'read', summary: 'The options tools read (download folders, username)', responses: { 200: Options } }),

  v0Login: route({ method: 'POST', path: `${V0}/session`, access: 'public', summary: 'Log in with the web username and password; the token is used as Bearer', body: SessionRequest, responses: { 200: SessionReply } }),
  v0Session: route({ method: 'GET', path: `${V0}/session`, access: 'read', summary: '200 with no body when the credentials are good (401 otherwise)', responses: { 200: Type.Unknown({ description: 'No body' }) } }),
  v0SessionEnabled: route({ method: 'GET', path: `${V0}/session/enabled`, access: 'public', summary: 'Whether the API needs credentials', responses: { 200: Type.Boolean() } }),

  v0StartSearch: route({ method: 'POST', path: `${V0}/searches`, access: 'write', summary: 'Start a search', body: SearchRequest, responses: { 200: Search } }),
  v0Searches: route({ method: 'GET', path: `${V0}/searches`, access: 'read', summary: 'The searches kept (without responses)', responses: { 200: Type.Array(Search) } }),
  v0Search: route({
    method: 'GET',
    path: `${V0}/searches/:id`,
    access: 'read',
    summary: 'One search; its responses too with includeResponses=true',
    params: SearchParams,
    query: Type.Object({ includeResponses: Type.Optional(QueryBool) }),
    responses: { 200: Search },
  }),
  v0SearchResponses: route({ method: 'GET', path: `${V0}/searches/:id/responses`, access: 'read', summary: "A search's responses", params: SearchParams, responses: { 200: Type.Array(SearchResponse) } }),
  v0StopSearch: route({ method: 'PUT', path: `${V0}/searches/:id`, access: 'write', summary: 'Stop a running search', params: SearchParams, responses: { 200: Search } }),
  v0DeleteSearch: route({ method: 'DELETE', path: `${V0}/searches/:id`, access: 'write', summary: 'Delete a search and its responses', params: SearchParams, responses: { 204: Type.Null() } }),

  v0UserDirectory: route({
    method: 'POST',
    path: `${V0}/users/:username/directory`,
    access: 'read',
    summary: "The files of one folder of a user's shares (an array of one directory, bare file names)",
    params: UserParams,
    body: DirectoryRequest,
    responses: { 200: Type.Array(Directory) },
  }),
  v0UserBrowse: route({ method: 'GET', path: `${V0}/users/:username/browse`, access: 'read', summary: "A user's whole shares", params: UserParams, responses: { 200: BrowseReply } }),
  v0UserInfo: route({ method: 'GET', path: `${V0}/users/:username/info`, access: 'read', summary: "A user's description, slots and queue", params: UserParams, responses: { 200: UserInfo } }),
  v0UserStatus: route({ method: 'GET', path: `${V0}/users/:username/status`, access: 'read', summary: "A user's presence", params: UserParams, responses: { 200: UserStatus } }),
  v0UserEndpoint: route({ method: 'GET', path: `${V0}/users/:username/endpoint`, access: 'read', summary: 'Where a user listens', params: UserParams, responses: { 200: UserEndpoint } }),

  v0Enqueue: route({
    method: 'POST',
    path: `${V0}/transfers/downloads/:username`,
    access: 'write',
    summary: "Download files of a user's: each lands in downloads/<remote parent folder>/<file>",
    params: UserParams,
    body: EnqueueRequest,
    responses: { 201: EnqueueReply },
  }),
  v0Downloads: route({
    method: 'GET',
    path: `${V0}/transfers/downloads`,
    access: 'read',
    summary: 'Downloads grouped by user and remote folder',
    query: Type.Object({ includeRemoved: Type.Optional(QueryBool) }),
    responses: { 200: Type.Array(UserTransfers) },
  }),
  v0UserDownloads: route({ method: 'GET', path: `${V0}/transfers/downloads/:username`, access: 'read', summary: "One user's downloads by remote folder (404 if none)", params: UserParams, responses: { 200: UserTransfers } }),
  v0Download: route({ method: 'GET', path: `${V0}/transfers/downloads/:username/:id`, access: 'read', summary: 'One download, by id', params: TransferParams, responses: { 200: Transfer } }),
  v0DownloadPosition: route({
    method: 'GET',
    path: `${V0}/transfers/downloads/:username/:id/position`,
    access: 'read',
    summary: "The download's place in the uploader's queue (asked now)",
    params: TransferParams,
    responses: { 200: Type.Integer() },
  }),
  v0CancelDownload: route({
    method: 'DELETE',
    path: `${V0}/transfers/downloads/:username/:id`,
    access: 'write',
    summary: 'Cancel a download; with remove=true also drop it from the lists (files on disk stay)',
    params: TransferParams,
    query: Type.Object({ remove: Type.Optional(QueryBool) }),
    responses: { 204: Type.Null() },
  }),
  v0ClearCompletedDownloads: route({
    method: 'DELETE',
    path: `${V0}/transfers/downloads/all/completed`,
    access: 'write',
    summary: 'Drop every finished download (succeeded or not) from the lists',
    responses: { 204: Type.Null() },
  }),
  v0Uploads: route({
    method: 'GET',
    path: `${V0}/transfers/uploads`,
    access: 'read',
    summary: 'Uploads grouped by user and folder',
    query: Type.Object({ includeRemoved: Type.Optional(QueryBool) }),
    responses: { 200: Type.Array(UserTransfers) },
  }),
} as const;

export type SlskdRoutes = typeof slskdRoutes;
export type SlskdRouteName = keyof SlskdRoutes;
