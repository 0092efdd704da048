// The JSON of slskd's /api/v0 in slskd's own field names (camelCase, nulls left out, enums as text),
// as its tools read it (see docs in /work/shared/reference/slskd-api.md §2–4). Fields the tools do not
// read and we have no value for are left out rather than invented. Request schemas leave
// additionalProperties open: slskd ignores unknown keys, and soularr POSTs whole file objects.

import { Type, type Static } from 'typebox';

/** Python sends True/False, C# True/False, Go and the plugins true/false: any case is accepted. */
export const QueryBool = Type.String({ pattern: '^(?:[Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])$', description: 'true or false, any case' });

export const Guid = Type.String({ pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' });
export const Username = Type.String({ minLength: 1, maxLength: 256 });

const DateText = Type.String({ description: 'ISO-8601, 7 fractional digits, UTC (Z)' });
const Duration = Type.String({ description: '.NET TimeSpan: hh:mm:ss.fffffff' });

// ---- application, server, options, session --------------------------------------------------------

export const ServerState = Type.Object({
  address: Type.Optional(Type.String()),
  state: Type.String({ description: 'SoulseekClientStates, e.g. "Connected, LoggedIn"' }),
  isConnected: Type.Boolean(),
  isConnecting: Type.Boolean(),
  isLoggedIn: Type.Boolean(),
  isLoggingIn: Type.Boolean(),
  isTransitioning: Type.Boolean(),
});

export const AppState = Type.Object({
  version: Type.Object({ full: Type.String(), current: Type.String(), isCanary: Type.Boolean(), isDevelopment: Type.Boolean() }),
  pendingReconnect: Type.Boolean(),
  pendingRestart: Type.Boolean(),
  server: ServerState,
  user: Type.Object({ username: Type.Optional(Type.String()) }),
  rooms: Type.Array(Type.String()),
  users: Type.Array(Type.String()),
});

export const Options = Type.Object({
  directories: Type.Object({ downloads: Type.String(), incomplete: Type.String() }),
  soulseek: Type.Object({ username: Type.Optional(Type.String()) }),
  remoteFileManagement: Type.Boolean(),
  transfers: Type.Object({ download: Type.Object({ destination: Type.Object({ permissions: Type.Object({ mode: Type.String() }) }) }) }),
});

/** slskd answers 400 for a missing or blank field (not a schema error with another status). */
const NonBlank = Type.String({ maxLength: 1024, pattern: '\\S' });
export const SessionRequest = Type.Object({ username: NonBlank, password: NonBlank });
export const SessionReply = Type.Object({
  expires: Type.Integer(),
  issued: Type.Integer(),
  name: Type.String(),
  notBefore: Type.Integer(),
  token: Type.String(),
  tokenType: Type.Literal('Bearer'),
});

// ---- searches ---------------------------------------------------------------------------------------

export const SearchRequest = Type.Object({
  id: Type.Optional(Guid),
  searchText: Type.String({ maxLength: 1000, pattern: '\\S' }),
  searchTimeout: Type.Optional(Type.Integer({ minimum: 5, maximum: 3_600_000, description: 'Milliseconds' })),
  responseLimit: Type.Optional(Type.Integer({ minimum: 1 })),
  fileLimit: Type.Optional(Type.Integer({ minimum: 1 })),
  filterResponses: Type.Optional(Type.Boolean()),
  minimumResponseFileCount: Type.Optional(Type.Integer({ minimum: 0 })),
  minimumPeerUploadSpeed: Type.Optional(Type.Integer({ minimum: 0 })),
  maximumPeerQueueLength: Type.Optional(Type.Integer({ minimum: 0 })),
  token: Type.Optional(Type.Integer()),
});
export type SearchRequest = Static<typeof SearchRequest>;

export const SearchFile = Type.Object({
  bitDepth: Type.Optional(Type.Integer()),
  bitRate: Type.Optional(Type.Integer()),
  code: Type.Integer(),
  extension: Type.String(),
  filename: Type.String(),
  isVariableBitRate: Type.Optional(Type.Boolean()),
  length: Type.Optional(Type.Integer()),
  sampleRate: Type.Optional(Type.Integer()),
  size: Type.Number(),
  isLocked: Type.Boolean(),
});
export type SearchFile = Static<typeof SearchFile>;

export const SearchResponse = Type.Object({
  fileCount: Type.Integer(),
  files: Type.Array(SearchFile),
  hasFreeUploadSlot: Type.Boolean(),
  lockedFileCount: Type.Integer(),
  lockedFiles: Type.Array(SearchFile),
  queueLength: Type.Number(),
  token: Type.Integer(),
  uploadSpeed: Type.Number(),
  username: Type.String(),
});
export type SearchResponse = Static<typeof SearchResponse>;

export const Search = Type.Object({
  endedAt: Type.Optional(DateText),
  fileCount: Type.Integer(),
  id: Type.String(),
  isComplete: Type.Boolean(),
  lockedFileCount: Type.Integer(),
  responseCount: Type.Integer(),
  responses: Type.Array(SearchResponse),
  searchText: Type.String(),
  startedAt: DateText,
  state: Type.String({ description: 'SearchStates, e.g. "InProgress", "Completed, TimedOut"' }),
  token: Type.Integer(),
});
export type Search = Static<typeof Search>;

// ---- users ------------------------------------------------------------------------------------------

export const FileAttribute = Type.Object({ type: Type.String(), value: Type.Integer() });

/** A file of a directory listing (Soulseek.NET's File): the bare name, its attributes listed too. */
export const DirectoryFile = Type.Object({
  attributeCount: Type.Integer(),
  attributes: Type.Array(FileAttribute),
  bitDepth: Type.Optional(Type.Integer()),
  bitRate: Type.Optional(Type.Integer()),
  code: Type.Integer(),
  extension: Type.String(),
  filename: Type.String(),
  isVariableBitRate: Type.Optional(Type.Boolean()),
  length: Type.Optional(Type.Integer()),
  sampleRate: Type.Optional(Type.Integer()),
  size: Type.Number(),
});

export const Directory = Type.Object({ name: Type.String(), fileCount: Type.Integer(), files: Type.Array(DirectoryFile) });
export type Directory = Static<typeof Directory>;

export const DirectoryRequest = Type.Object({ directory: Type.String({ minLength: 1, maxLength: 4096, pattern: '\\S' }) });

export const BrowseReply = Type.Object({
  directoryCount: Type.Integer(),
  directories: Type.Array(Directory),
  lockedDirectoryCount: Type.Integer(),
  lockedDirectories: Type.Array(Directory),
});

export const UserInfo = Type.Object({
  description: Type.String(),
  hasFreeUploadSlot: Type.Boolean(),
  hasPicture: Type.Boolean(),
  picture: Type.Optional(Type.String({ description: 'base64' })),
  queueLength: Type.Integer(),
  uploadSlots: Type.Integer(),
});

export const UserStatus = Type.Object({
  isPrivileged: Type.Boolean(),
  presence: Type.Union([Type.Literal('Online'), Type.Literal('Away'), Type.Literal('Offline')]),
  username: Type.String(),
});

export const UserEndpoint = Type.Object({ addressFamily: Type.Literal('InterNetwork'), address: Type.String(), port: Type.Integer() });

// ---- transfers --------------------------------------------------------------------------------------

export const Transfer = Type.Object({
  id: Type.String(),
  username: Type.String(),
  direction: Type.Union([Type.Literal('Download'), Type.Literal('Upload')]),
  filename: Type.String(),
  size: Type.Number(),
  startOffset: Type.Number(),
  state: Type.String({ description: 'TransferStates, e.g. "Queued, Remotely", "Completed, Succeeded"' }),
  requestedAt: DateText,
  enqueuedAt: Type.Optional(DateText),
  endedAt: Type.Optional(DateText),
  bytesTransferred: Type.Number(),
  averageSpeed: Type.Number(),
  placeInQueue: Type.Optional(Type.Integer()),
  exception: Type.Optional(Type.String()),
  bytesRemaining: Type.Number(),
  percentComplete: Type.Number(),
  remainingTime: Type.Optional(Duration),
  attempts: Type.Integer(),
  removed: Type.Boolean(),
});
export type Transfer = Static<typeof Transfer>;

export const TransferDirectory = Type.Object({ directory: Type.String(), fileCount: Type.Integer(), files: Type.Array(Transfer) });
export const UserTransfers = Type.Object({ username: Type.String(), directories: Type.Array(TransferDirectory) });
export type UserTransfers = Static<typeof UserTransfers>;

/** Files per enqueue request: a large discography fits; the transfer manager bounds each user's queue anyway. */
export const MAX_ENQUEUE_FILES = 10_000;

export const EnqueueRequest = Type.Array(
  Type.Object({ filename: Type.String({ minLength: 1, maxLength: 4096 }), size: Type.Optional(Type.Number({ minimum: 0 })) }),
  { minItems: 1, maxItems: MAX_ENQUEUE_FILES },
);

export const EnqueueReply = Type.Object({
  enqueued: Type.Array(Transfer),
  failed: Type.Array(Type.Object({ filename: Type.String(), message: Type.String() })),
});

export const TransferParams = Type.Object({ username: Username, id: Guid });
export const UserParams = Type.Object({ username: Username });
export const SearchParams = Type.Object({ id: Guid });

// ---- downloaded files ---------------------------------------------------------------------------

export const FilesystemFile = Type.Object({
  name: Type.String(),
  fullName: Type.String(),
  length: Type.Number(),
  attributes: Type.String(),
  createdAt: DateText,
  modifiedAt: DateText,
});

export interface FilesystemDirectoryJson {
  name: string;
  fullName: string;
  attributes: string;
  createdAt: string;
  modifiedAt: string;
  files: { name: string; fullName: string; length: number; attributes: string; createdAt: string; modifiedAt: string }[];
  directories: FilesystemDirectoryJson[];
}

/** A folder under the downloads folder; `directories` holds the same shape again (recursive=true). */
export const FilesystemDirectory = Type.Object({
  name: Type.String(),
  fullName: Type.String(),
  attributes: Type.String(),
  createdAt: DateText,
  modifiedAt: DateText,
  files: Type.Array(FilesystemFile),
  directories: Type.Array(Type.Unknown({ description: 'FilesystemDirectory' })),
});
