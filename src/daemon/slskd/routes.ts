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
  FilesystemDirectory,
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
import { Conversation, MessageText, PrivateMessage, Room, RoomInfo, RoomMessage, RoomName } from './chat-schemas.ts';

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

  v0Conversations: route({
    method: 'GET',
    path: `${V0}/conversations`,
    access: 'read',
    summary: 'Private conversations, the most recent first',
    query: Type.Object({ includeInactive: Type.Optional(QueryBool), unAcknowledgedOnly: Type.Optional(QueryBool) }),
    responses: { 200: Type.Array(Conversation) },
  }),
  v0Conversation: route({
    method: 'GET',
    path: `${V0}/conversations/:username`,
    access: 'read',
    summary: 'One conversation, with its messages unless includeMessages=false',
    params: UserParams,
    query: Type.Object({ includeMessages: Type.Optional(QueryBool) }),
    responses: { 200: Conversation },
  }),
  v0ConversationMessages: route({ method: 'GET', path: `${V0}/conversations/:username/messages`, access: 'read', summary: "A conversation's messages, oldest first", params: UserParams, responses: { 200: Type.Array(PrivateMessage) } }),
  v0SendMessage: route({ method: 'POST', path: `${V0}/conversations/:username`, access: 'write', summary: 'Send a private message (the body is a JSON string)', params: UserParams, body: MessageText, responses: { 201: Type.Unknown({ description: 'No body' }) } }),
  v0AcknowledgeAll: route({ method: 'PUT', path: `${V0}/conversations/:username`, access: 'write', summary: "Mark a conversation's messages read", params: UserParams, responses: { 200: Type.Unknown({ description: 'No body' }) } }),
  v0Acknowledge: route({
    method: 'PUT',
    path: `${V0}/conversations/:username/:id`,
    access: 'write',
    summary: 'Mark the messages read up to this one',
    params: Type.Object({ username: Type.String({ minLength: 1, maxLength: 256 }), id: Type.Integer({ minimum: 0 }) }),
    responses: { 200: Type.Unknown({ description: 'No body' }) },
  }),

  v0AvailableRooms: route({ method: 'GET', path: `${V0}/rooms/available`, access: 'read', summary: "The server's room list", responses: { 200: Type.Array(RoomInfo) } }),
  v0JoinedRooms: route({ method: 'GET', path: `${V0}/rooms/joined`, access: 'read', summary: 'The names of the rooms joined', responses: { 200: Type.Array(Type.String()) } }),
  v0JoinRoom: route({ method: 'POST', path: `${V0}/rooms/joined`, access: 'write', summary: 'Join a room (the body is its name as a JSON string)', body: RoomName, responses: { 201: Room } }),
  v0JoinedRoom: route({ method: 'GET', path: `${V0}/rooms/joined/:roomName`, access: 'read', summary: 'A joined room and its recent messages', params: Type.Object({ roomName: RoomName }), responses: { 200: Room } }),
  v0LeaveRoom: route({ method: 'DELETE', path: `${V0}/rooms/joined/:roomName`, access: 'write', summary: 'Leave a room', params: Type.Object({ roomName: RoomName }), responses: { 204: Type.Null() } }),
  v0RoomMessages: route({ method: 'GET', path: `${V0}/rooms/joined/:roomName/messages`, access: 'read', summary: "A joined room's recent messages, oldest first", params: Type.Object({ roomName: RoomName }), responses: { 200: Type.Array(RoomMessage) } }),
  v0SayInRoom: route({
    method: 'POST',
    path: `${V0}/rooms/joined/:roomName/messages`,
    access: 'write',
    summary: 'Say something in a joined room (the body is a JSON string)',
    params: Type.Object({ roomName: RoomName }),
    body: MessageText,
    responses: { 201: Type.Unknown({ description: 'No body' }) },
  }),

  v0DownloadedDirectory: route({
    method: 'GET',
    path: `${V0}/files/downloads/directories/:base64SubdirectoryName`,
    access: 'read',
    summary: 'A folder under the downloads folder (its path relative to it, base64), its files and, with recursive=true, its subfolders',
    params: Type.Object({ base64SubdirectoryName: Type.String({ minLength: 1, maxLength: 8192 }) }),
    query: Type.Object({ recursive: Type.Optional(QueryBool) }),
    responses: { 200: FilesystemDirectory },
  }),
  v0DeleteDownloadedDirectory: route({
    method: 'DELETE',
    path: `${V0}/files/downloads/directories/:base64SubdirectoryName`,
    access: 'write',
    summary: 'Refused (403): remote file management is off, as remoteFileManagement in GET /options says',
    params: Type.Object({ base64SubdirectoryName: Type.String({ minLength: 1, maxLength: 8192 }) }),
    responses: { 204: Type.Null() },
  }),
} as const;

export type SlskdRoutes = typeof slskdRoutes;
export type SlskdRouteName = keyof SlskdRoutes;
