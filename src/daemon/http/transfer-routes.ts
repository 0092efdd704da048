// The transfer routes and their schemas (spread into the route table in routes.ts): the download
// queue grouped by user and remote folder, one transfer, enqueueing files or a whole remote folder,
// and the actions on transfers. Imports only typebox: the browser client imports the table.

import { Type, type Static } from 'typebox';
import { route } from './route.ts';

/** The transfer states (src/transfers/states.ts; spelled out here because this file imports only typebox). */
export const TRANSFER_STATE_NAMES = ['queued', 'requesting', 'connecting', 'transferring', 'completed', 'failed', 'cancelled'] as const;
/** The destination layouts (src/transfers/destination.ts: DESTINATION_LAYOUTS; transfer-handlers.ts checks they match). */
export const LAYOUT_NAMES = ['remote-parent', 'flat', 'by-user', 'album', 'mirror'] as const;
/** The states `clearTransfers` may remove: only final ones. `finished` is all three. */
export const CLEARABLE_STATES = ['completed', 'failed', 'cancelled', 'finished'] as const;

const StateName = Type.Enum(TRANSFER_STATE_NAMES);
const Direction = Type.Union([Type.Literal('download'), Type.Literal('upload')]);
const Layout = Type.Enum(LAYOUT_NAMES, { description: 'Folders under the downloads folder; default: the setting downloads.layout' });
const Username = Type.String({ minLength: 1, maxLength: 100 });
const TransferId = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[0-9A-Za-z-]+$', description: 'The transfer id' }) });
const FolderId = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[0-9A-Za-z-]+$', description: 'The folder download id' }) });
const Subfolder = Type.String({ maxLength: 512, description: 'A folder under the downloads folder to put the files in (relative; no "..", drive or leading slash)' });
const STATE_LIST = `^(${TRANSFER_STATE_NAMES.join('|')})(,(${TRANSFER_STATE_NAMES.join('|')}))*$`;

export const TransferJson = Type.Object(
  {
    id: Type.String(),
    direction: Direction,
    username: Type.String(),
    filename: Type.String({ description: 'The virtual path as the uploader shares it' }),
    folder: Type.String({ description: 'The remote folder the file is in (its path up to the last \\)' }),
    folderId: Type.Optional(Type.String({ description: 'The folder download it belongs to' })),
    size: Type.Optional(Type.Number({ minimum: 0, description: 'Bytes; absent for a download until the uploader tells it' })),
    bytesTransferred: Type.Number({ minimum: 0 }),
    state: StateName,
    reason: Type.Optional(Type.String({ description: 'Why it failed or was cancelled' })),
    place: Type.Optional(Type.Integer({ description: "Download: our place in the uploader's queue, when it told us" })),
    attempts: Type.Integer({ minimum: 0 }),
    retryAt: Type.Optional(Type.String({ format: 'date-time', description: 'When a failed transfer is tried again' })),
    speed: Type.Number({ minimum: 0, description: 'Bytes/s' }),
    eta: Type.Optional(Type.Number({ minimum: 0, description: 'Seconds left at the current speed' })),
    localPath: Type.Optional(Type.String({ description: 'Upload: the file sent; download: the finished file' })),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
    finishedAt: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { title: 'Transfer' },
);
export type TransferJson = Static<typeof TransferJson>;

export const TransferTotals = Type.Object(
  {
    files: Type.Integer({ minimum: 0 }),
    bytes: Type.Number({ minimum: 0, description: 'Sum of the known sizes' }),
    bytesTransferred: Type.Number({ minimum: 0 }),
    speed: Type.Number({ minimum: 0, description: 'Bytes/s of the transfers moving now' }),
    states: Type.Record(Type.String(), Type.Integer({ minimum: 0 }), { description: 'Transfers by state (states with none left out)' }),
  },
  { title: 'TransferTotals' },
);
export type TransferTotals = Static<typeof TransferTotals>;

export const TransferFolderGroup = Type.Object(
  {
    folder: Type.String({ description: 'The remote folder (for a folder download: the folder asked for, subfolders included)' }),
    folderId: Type.Optional(Type.String({ description: 'The folder download, when the group is one (GET /api/v1/transfers/folders/{id})' })),
    totals: TransferTotals,
    transfers: Type.Optional(Type.Array(TransferJson, { description: 'Oldest first; left out with summary=true' })),
  },
  { title: 'TransferFolderGroup' },
);

export const TransferUserGroup = Type.Object(
  { direction: Direction, username: Type.String(), totals: TransferTotals, folders: Type.Array(TransferFolderGroup) },
  { title: 'TransferUserGroup' },
);

export const TransferList = Type.Object(
  {
    totals: TransferTotals,
    truncated: Type.Boolean({ description: 'More groups follow (over `limit`): ask again with `offset=nextOffset`' }),
    nextOffset: Type.Optional(Type.Integer({ minimum: 0, description: 'The `offset` of the next page, when there is one' })),
    users: Type.Array(TransferUserGroup),
  },
  { title: 'TransferList' },
);
export type TransferList = Static<typeof TransferList>;

export const TransferListQuery = Type.Object({
  direction: Type.Optional(Direction),
  username: Type.Optional(Username),
  state: Type.Optional(Type.String({ pattern: STATE_LIST, maxLength: 200, description: 'Only these states, comma-separated, e.g. queued,transferring' })),
  summary: Type.Optional(Type.Boolean({ description: 'Totals only, without the transfers of each folder' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, description: 'The size of a page (default 1000): each folder group counts one, each transfer listed one more; groups are listed whole' })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000, description: 'Groups to skip: the `nextOffset` of the previous page' })),
});
export type TransferListQuery = Static<typeof TransferListQuery>;

export const EnqueueDownloads = Type.Object(
  {
    username: Username,
    files: Type.Array(
      Type.Object(
        {
          filename: Type.String({ minLength: 1, maxLength: 2048, description: 'The virtual path as the user shares it (from a search or a browse)' }),
          size: Type.Optional(Type.Integer({ minimum: 0, description: 'Bytes, from the search result; the uploader may correct it' })),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 1000 },
    ),
    layout: Type.Optional(Layout),
    subfolder: Type.Optional(Subfolder),
  },
  { title: 'EnqueueDownloads', additionalProperties: false },
);
export type EnqueueDownloads = Static<typeof EnqueueDownloads>;

export const EnqueueFolder = Type.Object(
  {
    username: Username,
    folder: Type.String({ minLength: 1, maxLength: 2048, description: 'The remote folder, \\ or / separated (e.g. Music\\Artist\\Album)' }),
    layout: Type.Optional(Layout),
    subfolder: Type.Optional(Subfolder),
  },
  { title: 'EnqueueFolder', additionalProperties: false },
);
export type EnqueueFolder = Static<typeof EnqueueFolder>;

const FileState = Type.Enum([...TRANSFER_STATE_NAMES, 'already-present', 'removed']);

export const FolderDownloadJson = Type.Object(
  {
    id: Type.String(),
    username: Type.String(),
    folder: Type.String({ description: "The folder in the peer's spelling" }),
    layout: Layout,
    subfolder: Type.String(),
    source: Type.Union([Type.Literal('browse'), Type.Literal('folder-request')], { description: "Listed from the peer's shares (subfolders included) or its folder reply (without)" }),
    createdAt: Type.String({ format: 'date-time' }),
    complete: Type.Boolean({ description: 'Every file is completed or was already present' }),
    finished: Type.Boolean({ description: 'Every file is in a final state' }),
    counts: Type.Record(Type.String(), Type.Integer({ minimum: 0 })),
    files: Type.Array(
      Type.Object({
        remotePath: Type.String(),
        size: Type.Number({ minimum: 0 }),
        destination: Type.String({ description: 'Where it lands, relative to the downloads folder' }),
        state: FileState,
        transferId: Type.Optional(Type.String()),
      }),
    ),
    refused: Type.Array(Type.Object({ remotePath: Type.String(), code: Type.String(), reason: Type.String() }), { description: 'Files the peer listed that are not downloaded, and why' }),
  },
  { title: 'FolderDownload' },
);
export type FolderDownloadJson = Static<typeof FolderDownloadJson>;

export const ClearTransfersQuery = Type.Object({
  state: Type.Enum(CLEARABLE_STATES, { description: 'Which finished transfers to remove; finished = completed, failed and cancelled' }),
  direction: Type.Optional(Direction),
  username: Type.Optional(Username),
});
export type ClearTransfersQuery = Static<typeof ClearTransfersQuery>;

export const transferRoutes = {
  transfers: route({
    method: 'GET',
    path: '/api/v1/transfers',
    access: 'read',
    summary: 'Downloads and uploads grouped by user and remote folder, each group with totals; filter by direction, username and state',
    query: TransferListQuery,
    responses: { 200: TransferList },
  }),
  transfer: route({
    method: 'GET',
    path: '/api/v1/transfers/:id',
    access: 'read',
    summary: 'One transfer',
    params: TransferId,
    responses: { 200: TransferJson },
  }),
  enqueueDownloads: route({
    method: 'POST',
    path: '/api/v1/transfers/downloads',
    access: 'write',
    summary: "Download one file or a selection of one user's files; each lands where the layout (or downloads.layout) puts it",
    body: EnqueueDownloads,
    responses: { 201: Type.Object({ transfers: Type.Array(TransferJson) }) },
  }),
  enqueueFolder: route({
    method: 'POST',
    path: '/api/v1/transfers/folders',
    access: 'write',
    summary: "Download a user's remote folder with its subfolders: the daemon lists it, enqueues every file not already on disk and keeps it as one group",
    body: EnqueueFolder,
    responses: { 201: FolderDownloadJson },
  }),
  folderDownload: route({
    method: 'GET',
    path: '/api/v1/transfers/folders/:id',
    access: 'read',
    summary: 'A folder download: its files, their states and where they land',
    params: FolderId,
    responses: { 200: FolderDownloadJson },
  }),
  cancelFolder: route({
    method: 'PUT',
    path: '/api/v1/transfers/folders/:id/cancel',
    access: 'write',
    summary: 'Cancel every unfinished transfer of a folder download; returns the folder',
    params: FolderId,
    responses: { 200: FolderDownloadJson },
  }),
  removeFolder: route({
    method: 'DELETE',
    path: '/api/v1/transfers/folders/:id',
    access: 'write',
    summary: "Cancel and forget every transfer of a folder download, and the folder (partial files are deleted; finished files stay on disk)",
    params: FolderId,
    responses: { 204: Type.Null() },
  }),
  cancelTransfer: route({
    method: 'PUT',
    path: '/api/v1/transfers/:id/cancel',
    access: 'write',
    summary: 'Stop a transfer for good (a finished one is returned as is)',
    params: TransferId,
    responses: { 200: TransferJson },
  }),
  retryTransfer: route({
    method: 'PUT',
    path: '/api/v1/transfers/:id/retry',
    access: 'write',
    summary: 'Ask again now: a failed or cancelled transfer is queued again (a completed or moving one is returned as is)',
    params: TransferId,
    responses: { 200: TransferJson },
  }),
  transferPlace: route({
    method: 'PUT',
    path: '/api/v1/transfers/:id/place',
    access: 'write',
    summary: "Ask the uploader for a queued download's place in its queue; returns the transfer with `place`",
    params: TransferId,
    responses: { 200: TransferJson },
  }),
  removeTransfer: route({
    method: 'DELETE',
    path: '/api/v1/transfers/:id',
    access: 'write',
    summary: "Cancel if needed and forget a transfer (an unfinished download's partial file is deleted)",
    params: TransferId,
    responses: { 204: Type.Null() },
  }),
  clearTransfers: route({
    method: 'DELETE',
    path: '/api/v1/transfers',
    access: 'write',
    summary: 'Forget every finished transfer in a state (completed, failed, cancelled, or all three), optionally of one direction or user',
    query: ClearTransfersQuery,
    responses: { 200: Type.Object({ removed: Type.Integer({ minimum: 0 }) }) },
  }),
} as const;
