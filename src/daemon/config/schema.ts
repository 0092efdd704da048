// Every daemon setting, declared once: its type, default, description, whether it may change while the
// daemon runs (`runtime`) and whether it is a secret (`secret`). The loader, the environment names, the
// flags, redaction, runtime patches and daemon.example.yaml all derive from this one tree.

import Type, { type Static, type TEnum, type TSchema } from 'typebox';
import { DEFAULT_DESTINATION_LAYOUT, DESTINATION_LAYOUTS } from '../../transfers/destination.ts';
import { defaultRetry, defaultTransferLimits } from '../../transfers/types.ts';
import { defaultReconnect } from '../../client/options.ts';
import { ROLES } from '../http/route.ts';
import { DEFAULT_BODY_LIMIT, DEFAULT_HTTP_HOST, DEFAULT_HTTP_PORT } from '../http/server.ts';
import { HOOK_EVENT_TYPES } from '../hooks/events.ts';

/** What each setting says about itself besides its type (kept in the JSON Schema as extra keywords). */
export type SettingMeta = {
  readonly description: string;
  /** May be changed while the daemon runs (PATCH options); otherwise it needs a restart. */
  readonly runtime?: boolean;
  /** Never shown: redacted when the options are read. */
  readonly secret?: boolean;
  /** How an error says what is expected, where the type alone would not (a pattern). */
  readonly expected?: string;
};

const PORT = { minimum: 0, maximum: 65535 } as const;

const literals = <const T extends string[]>(values: readonly [...T], meta: SettingMeta & { default: T[number] }): TEnum<T> => Type.Enum(values, meta);

const group = <T extends Record<string, TSchema>>(description: string, properties: T) =>
  Type.Object(properties, { description, additionalProperties: false });

export const EVENT_NAMES_HELP = `Events it hears: ${HOOK_EVENT_TYPES.join(', ')}; empty = every event`;
const hookEvents = () => Type.Array(Type.Enum(HOOK_EVENT_TYPES), { default: [], description: EVENT_NAMES_HELP });

const soulseek = group('The Soulseek server and how we meet peers', {
  server: Type.String({ default: 'server.slsknet.org:2242', minLength: 1, pattern: '^(\\[[0-9a-fA-F:.]+\\]|[^:\\s\\[\\]]+)(:\\d{1,5})?$', expected: 'HOST:PORT, such as server.slsknet.org:2242', description: 'The server, HOST:PORT' }),
  username: Type.Optional(Type.String({ minLength: 1, maxLength: 30, description: 'Soulseek user name (the account is created on first login)' })),
  password: Type.Optional(Type.String({ minLength: 1, secret: true, description: 'Soulseek password' })),
  listenPort: Type.Integer({ ...PORT, default: 2234, description: 'Port peers connect to (0 picks a free one)' }),
  obfuscatedListenPort: Type.Optional(Type.Integer({ ...PORT, description: 'Also listen for obfuscated peer connections on this port (0 = any); absent = off' })),
  reconnectInitialDelayMs: Type.Integer({ minimum: 100, maximum: 3_600_000, default: defaultReconnect.initialDelayMs, description: 'First wait before logging in again after losing the server; doubles each try' }),
  reconnectMaxDelayMs: Type.Integer({ minimum: 100, maximum: 86_400_000, default: defaultReconnect.maxDelayMs, description: 'Longest wait between two login attempts' }),
});

const data = group('Where the daemon keeps its state', {
  folder: Type.Optional(Type.String({ minLength: 1, description: 'Data folder; default $SLSK_DATA, else $XDG_DATA_HOME/slsk, else ~/.local/share/slsk (the one `slsk share` uses)' })),
});

const shareFolder = Type.Object(
  {
    path: Type.String({ minLength: 1, description: 'Local folder to share' }),
    name: Type.Optional(Type.String({ minLength: 1, description: 'Name peers see for it; default the folder name' })),
    visibility: literals(['everyone', 'buddies'] as const, { default: 'everyone', description: 'Who may see and download it' }),
  },
  { additionalProperties: false, description: 'A shared folder' },
);

const shares = group('What we share', {
  folders: Type.Array(shareFolder, { default: [], runtime: true, description: 'Shared folders' }),
  rescanIntervalMinutes: Type.Integer({ minimum: 0, maximum: 10_080, default: 60, runtime: true, description: 'Rescan the shares this often; 0 = only on request' }),
  watch: Type.Boolean({ default: false, runtime: true, description: 'Rescan a folder soon after a file in it changes' }),
  ignore: Type.Array(Type.String({ minLength: 1 }), { default: [], runtime: true, description: 'Glob patterns of files and folders never shared (e.g. *.tmp, .git)' }),
});

const downloads = group('Where downloads land', {
  folder: Type.Optional(Type.String({ minLength: 1, description: 'Finished downloads; default <data>/downloads' })),
  incompleteFolder: Type.Optional(Type.String({ minLength: 1, description: 'Partial downloads; keep it on the same disk as the downloads folder. Default <data>/incomplete' })),
  layout: literals(DESTINATION_LAYOUTS, { default: DEFAULT_DESTINATION_LAYOUT, runtime: true, description: `Folders under the downloads folder: ${DESTINATION_LAYOUTS.join(', ')}` }),
  retryInitialDelayMs: Type.Integer({ minimum: 0, maximum: 86_400_000, default: defaultRetry.initialDelayMs, description: 'First wait before retrying a failed download; doubles each try' }),
  retryMaxDelayMs: Type.Integer({ minimum: 0, maximum: 86_400_000, default: defaultRetry.maxDelayMs, description: 'Longest wait between two tries' }),
  retryMaxAttempts: Type.Integer({ minimum: 0, maximum: 1000, default: defaultRetry.maxAttempts, description: 'Tries before a download is marked failed; 0 = never retry' }),
});

const transfers = group('Upload slots, queue limits and speed', {
  // The transfer manager's own default (TransferManagerOptions.uploadSlots); it exports no constant for it.
  uploadSlots: Type.Integer({ minimum: 0, maximum: 1000, default: 2, runtime: true, description: 'Uploads in progress at once' }),
  maxQueuedFilesPerUser: Type.Integer({ minimum: 0, default: defaultTransferLimits.maxQueuedFilesPerUser, description: 'Files one user may have in our upload queue' }),
  maxQueuedMegabytesPerUser: Type.Integer({ minimum: 0, default: defaultTransferLimits.maxQueuedMegabytesPerUser, description: 'MiB one user may have in our upload queue' }),
  uploadBytesPerSecond: Type.Integer({ minimum: 0, default: 0, runtime: true, description: 'Upload speed limit, bytes/s; 0 = unlimited' }),
  downloadBytesPerSecond: Type.Integer({ minimum: 0, default: 0, runtime: true, description: 'Download speed limit, bytes/s; 0 = unlimited' }),
});

const searches = group('Searches and their results', {
  retentionDays: Type.Integer({ minimum: 0, maximum: 3650, default: 7, description: 'Finished searches are deleted after this many days; 0 = kept until deleted' }),
  maxKept: Type.Integer({ minimum: 1, maximum: 100_000, default: 500, description: 'Searches kept at most; the oldest go first' }),
  timeoutSeconds: Type.Integer({ minimum: 1, maximum: 3600, default: 15, runtime: true, description: 'How long a search collects results unless it names its own timeout' }),
  maxResults: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 10_000, runtime: true, description: 'Files kept per search; more are dropped' }),
});

const history = group('Chat history', {
  chatRetentionDays: Type.Integer({ minimum: 0, maximum: 36_500, default: 365, description: 'Messages older than this are deleted; 0 = kept forever' }),
  maxMessagesPerConversation: Type.Integer({ minimum: 1, maximum: 10_000_000, default: 10_000, description: 'Messages kept per room or private conversation' }),
});

const http = group('The HTTP API and web interface', {
  host: Type.String({ minLength: 1, default: DEFAULT_HTTP_HOST, description: 'Address to listen on; beyond loopback needs auth.enabled' }),
  port: Type.Integer({ ...PORT, default: DEFAULT_HTTP_PORT, description: 'Port to listen on (0 picks a free one)' }),
  bodyLimit: Type.Integer({ minimum: 1024, maximum: 1024 * 1024 * 1024, default: DEFAULT_BODY_LIMIT, description: 'Largest request body, bytes' }),
  trustedProxies: Type.Array(Type.String({ minLength: 1 }), { default: [], description: 'Proxies (addresses or ranges) allowed to name the client in X-Forwarded-For' }),
});

const apiKey = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'Shown in logs and GET options' }),
    key: Type.String({ minLength: 16, secret: true, description: 'The key itself, at least 16 characters (e.g. `openssl rand -base64 32`)' }),
    role: literals(ROLES, { default: 'read', description: `What it may do: ${ROLES.join(', ')}` }),
    cidr: Type.Array(Type.String({ minLength: 1 }), { default: [], description: 'Address ranges it works from (e.g. 192.168.1.0/24); empty = any' }),
  },
  { additionalProperties: false, description: 'An API key' },
);

const auth = group('Who may use the API', {
  enabled: Type.Boolean({ default: true, description: 'false lets anyone who can connect in as admin: only allowed on loopback' }),
  keys: Type.Array(apiKey, { default: [], description: 'API keys (X-API-Key or Authorization: Bearer)' }),
  web: Type.Optional(
    Type.Object(
      {
        username: Type.String({ minLength: 1, description: 'Web login name' }),
        passwordHash: Type.String({ minLength: 1, secret: true, description: 'scrypt$N$r$p$salt$hash; without it (and without keys) the daemon makes a password on first start' }),
      },
      { additionalProperties: false, description: 'The web login' },
    ),
  ),
  sessionTtlSeconds: Type.Integer({ minimum: 60, maximum: 365 * 86_400, default: 7 * 86_400, description: 'How long a web session lasts' }),
  maxSessions: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1000, description: 'Web sessions kept at most; the oldest end first' }),
  maxConcurrentLogins: Type.Integer({ minimum: 1, maximum: 64, default: 4, description: 'Password checks at once; more logins get 429' }),
  secureCookie: Type.Boolean({ default: false, description: 'Mark the session cookie Secure (set it behind an HTTPS proxy)' }),
});

const webhook = Type.Object(
  {
    url: Type.String({ pattern: '^https?://', expected: 'an http:// or https:// URL', description: 'http(s) URL that receives a POST per event' }),
    events: hookEvents(),
    timeoutMs: Type.Integer({ minimum: 100, maximum: 600_000, default: 10_000, description: 'Give up on one delivery after this long' }),
    retries: Type.Integer({ minimum: 0, maximum: 100, default: 3, description: 'Tries after a failed delivery' }),
    headers: Type.Record(Type.String(), Type.String(), { default: {}, secret: true, description: 'Extra request headers (e.g. Authorization)' }),
  },
  { additionalProperties: false, description: 'A webhook' },
);

const script = Type.Object(
  {
    command: Type.Array(Type.String(), { minItems: 1, description: 'Program and its arguments (argv, never a shell line); the event arrives as JSON on stdin' }),
    events: hookEvents(),
    timeoutMs: Type.Integer({ minimum: 100, maximum: 3_600_000, default: 60_000, description: 'The script is killed after this long' }),
  },
  { additionalProperties: false, description: 'A script run on events' },
);

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const DaemonConfigSchema = Type.Object(
  {
    soulseek,
    data,
    shares,
    downloads,
    transfers,
    searches,
    history,
    http,
    auth,
    webhooks: Type.Array(webhook, { default: [], description: 'HTTP calls made on events' }),
    scripts: Type.Array(script, { default: [], description: 'Programs run on events' }),
    logging: group('What the daemon logs', {
      level: literals(LOG_LEVELS, { default: 'info', runtime: true, description: `Least severe level logged: ${LOG_LEVELS.join(', ')}` }),
    }),
  },
  { additionalProperties: false },
);

export type DaemonConfig = Static<typeof DaemonConfigSchema>;
