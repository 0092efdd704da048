// The shares routes and their schemas (spread into the route table in routes.ts): the shared folders
// with their counts, the scan's state, a rescan, and our own shares browsed or searched as a peer sees
// them. Imports only typebox: the browser client imports the table.

import { Type, type Static } from 'typebox';
import { route } from './route.ts';
import { SearchFileJson } from './search-routes.ts';

const Time = Type.String({ format: 'date-time' });
const Viewer = Type.Union([Type.Literal('everyone'), Type.Literal('buddy')], {
  description: 'See them as anyone does (buddies-only files locked), or as a buddy does (default everyone)',
});
const ScanReason = Type.Union([Type.Literal('start'), Type.Literal('schedule'), Type.Literal('request'), Type.Literal('change'), Type.Literal('reconfigure')]);

export const ShareFolderJson = Type.Object(
  {
    name: Type.String({ description: 'The name peers see: the first segment of its virtual paths' }),
    path: Type.String({ description: 'The folder on disk' }),
    visibility: Type.Union([Type.Literal('everyone'), Type.Literal('buddies'), Type.Literal('nobody')]),
    folders: Type.Integer({ minimum: 0, description: 'Folders indexed, its root included' }),
    files: Type.Integer({ minimum: 0 }),
    bytes: Type.Number({ minimum: 0 }),
  },
  { title: 'ShareFolder' },
);
export type ShareFolderJson = Static<typeof ShareFolderJson>;

export const ScanSummaryJson = Type.Object({
  files: Type.Integer({ minimum: 0 }),
  folders: Type.Integer({ minimum: 0 }),
  added: Type.Integer({ minimum: 0 }),
  changed: Type.Integer({ minimum: 0 }),
  removed: Type.Integer({ minimum: 0 }),
  skipped: Type.Integer({ minimum: 0 }),
  warnings: Type.Integer({ minimum: 0 }),
  durationMs: Type.Number({ minimum: 0 }),
});

export const ScanStatusJson = Type.Object(
  {
    state: Type.Union([Type.Literal('idle'), Type.Literal('scanning')]),
    current: Type.Optional(
      Type.Object({
        reason: ScanReason,
        startedAt: Time,
        scannedFiles: Type.Integer({ minimum: 0 }),
        currentFolder: Type.Optional(Type.String({ description: 'The virtual path being walked' })),
      }),
    ),
    last: Type.Optional(
      Type.Object({
        reason: ScanReason,
        startedAt: Time,
        finishedAt: Time,
        outcome: Type.Union([Type.Literal('done'), Type.Literal('failed')]),
        summary: Type.Optional(ScanSummaryJson),
        error: Type.Optional(Type.String()),
      }),
    ),
    queued: Type.Boolean({ description: 'Another scan follows this one (files changed while it ran)' }),
    watchedFolders: Type.Integer({ minimum: 0, description: 'Shared folders watched for changes (setting shares.watch)' }),
    rescanIntervalMinutes: Type.Integer({ minimum: 0 }),
  },
  { title: 'ScanStatus' },
);
export type ScanStatusJson = Static<typeof ScanStatusJson>;

export const SharesJson = Type.Object(
  {
    folders: Type.Array(ShareFolderJson),
    totals: Type.Object({ folders: Type.Integer({ minimum: 0 }), files: Type.Integer({ minimum: 0 }), bytes: Type.Number({ minimum: 0 }) }),
    scan: ScanStatusJson,
  },
  { title: 'Shares' },
);

export const BrowsedFolderJson = Type.Object(
  {
    name: Type.String({ description: 'The folder as a virtual path; pass the last one as `after` for the next page' }),
    locked: Type.Boolean({ description: 'Only buddies may download from it' }),
    files: Type.Array(SearchFileJson, { description: 'Its files, by bare name' }),
  },
  { title: 'BrowsedFolder' },
);

export const ShareSearchJson = Type.Object(
  {
    files: Type.Array(SearchFileJson),
    lockedFiles: Type.Array(SearchFileJson, { description: 'Buddies-only files, as a non-buddy sees them' }),
  },
  { title: 'ShareSearch' },
);

export const shareRoutes = {
  shares: route({
    method: 'GET',
    path: '/api/v1/shares',
    access: 'read',
    summary: 'The shared folders (visibility, folders, files, bytes each) and the scan state',
    responses: { 200: SharesJson },
  }),
  shareScan: route({
    method: 'GET',
    path: '/api/v1/shares/scan',
    access: 'read',
    summary: 'The scan: running or idle, its progress, how the last one ended; progress also arrives as scanProgress events',
    responses: { 200: ScanStatusJson },
  }),
  rescanShares: route({
    method: 'POST',
    path: '/api/v1/shares/scan',
    access: 'write',
    summary: 'Rescan the shared folders now (202); a scan already running is joined, not started twice',
    responses: { 202: Type.Object({ joined: Type.Boolean({ description: 'A scan was running already: this request joined it' }), scan: ScanStatusJson }) },
  }),
  browseShares: route({
    method: 'GET',
    path: '/api/v1/shares/browse',
    access: 'read',
    summary: 'Our shares as a peer browsing them sees them, by folder in virtual path order; pass the last folder as `after` for the next page',
    query: Type.Object({
      as: Type.Optional(Viewer),
      after: Type.Optional(Type.String({ maxLength: 4096 })),
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'Folders per page (default 100)' })),
    }),
    responses: { 200: Type.Array(BrowsedFolderJson) },
  }),
  searchShares: route({
    method: 'GET',
    path: '/api/v1/shares/search',
    access: 'read',
    summary: "Search our own shares with the matcher peers' searches hit: what a peer (or a buddy) would be sent",
    query: Type.Object({
      q: Type.String({ minLength: 1, maxLength: 1000, description: 'The search text, as a peer would send it' }),
      as: Type.Optional(Viewer),
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000, description: 'Files and locked files together (default 500)' })),
    }),
    responses: { 200: ShareSearchJson },
  }),
} as const;
