// Server settings: defaults, the JSON config file, and validation with messages that say which
// setting is wrong and what it accepts.

import { readFileSync } from 'node:fs';

export interface ServerConfig {
  /** Address to listen on; 127.0.0.1 by default, 0.0.0.0 to serve a LAN. */
  host: string;
  port: number;
  /** Folder holding the database. */
  dataDir: string;
  /** Only existing accounts may log in (no registration on first login). */
  private: boolean;
  /** Most users online at once; further logins get SVRFULL. */
  maxUsers: number;
  /** The greeting in the Login reply. */
  motd: string;
  /** Usernames allowed to use the admin commands, besides accounts flagged admin in the store. */
  admins: string[];
  /** Search results whose path contains one of these must be dropped by clients; searches containing one are not delivered. */
  excludedSearchPhrases: string[];
  /** Seconds between wishlist searches a user may make (WishlistInterval). */
  wishlistIntervalSeconds: number;
  /** The same for privileged users. */
  privilegedWishlistIntervalSeconds: number;
  /** Distributed network: minimum average upload speed (bytes/s) to take children (ParentMinSpeed). */
  parentMinSpeed: number;
  /** Distributed network: ParentSpeedRatio, which clients use to size their child count. */
  parentSpeedRatio: number;
  /** Seconds between PotentialParents lists to a user looking for a parent. */
  potentialParentsIntervalSeconds: number;
  /** Candidates per PotentialParents list. */
  potentialParentsCount: number;
  /** The Login RoomList leaves out rooms with fewer users (the official server does; a RoomList request lists all). */
  loginRoomListMinUsers: number;
  limits: ServerLimits;
  /** scrypt cost (N) for new password hashes; lower only for load tests. */
  passwordCost: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

export interface ServerLimits {
  /** Largest message a client may send, in bytes. */
  maxMessageBytes: number;
  /** Outgoing bytes queued for one client before it is disconnected as not reading. */
  maxWriteBufferBytes: number;
  /** Seconds a new connection has to send Login. */
  loginTimeoutSeconds: number;
  /** Seconds without traffic before a logged-in session is closed; 0 = never (clients such as Nicotine+ never ping). */
  idleTimeoutSeconds: number;
  /**
   * Connections per minute from one IP that end without a login (a refused Login, or no Login at
   * all); past it the IP's new connections are refused until the allowance refills. Logins that
   * succeed never count, so many well-behaved clients behind one address are never locked out.
   */
  failedConnectionsPerMinutePerIp: number;
  /** Connections from one IP open at once that have not logged in yet; more are refused. */
  pendingLoginsPerIp: number;
  /** New accounts one IP may register per hour (a burst of this many, then refilling). */
  registrationsPerHourPerIp: number;
  /** Private messages a user may send in a burst, and per minute after that. */
  privateMessageBurst: number;
  privateMessagesPerMinute: number;
  /** Unacknowledged private messages kept for one recipient; past it, the biggest sender's oldest go. */
  inboxSize: number;
  /** Of those, how many one sender may hold: a sender past its share loses its own oldest, never others' mail. */
  inboxSharePerSender: number;
  /** Bytes one connection may add to the database (messages, interests, tickers, private rooms) before further writes are refused. */
  storedBytesPerConnection: number;
  /** Searches a user may start in a burst, and per minute after that. */
  searchBurst: number;
  searchesPerMinute: number;
  /** Longest search query accepted, in characters. */
  maxQueryLength: number;
  /** Longest private or room chat message, in characters. */
  maxChatLength: number;
  /** Most users one user may watch (AddUser). */
  maxWatchedUsers: number;
  /** Most rooms one user may be in. */
  maxJoinedRooms: number;
  /** Messages read from one client but not yet handled before its socket is paused. */
  maxPendingMessages: number;
}

export const defaultConfig: ServerConfig = {
  host: '127.0.0.1',
  port: 2242,
  dataDir: './data',
  private: false,
  maxUsers: 100_000,
  motd: 'Welcome to slsk-ts!',
  admins: [],
  excludedSearchPhrases: [],
  wishlistIntervalSeconds: 720,
  privilegedWishlistIntervalSeconds: 120,
  parentMinSpeed: 1,
  parentSpeedRatio: 50,
  potentialParentsIntervalSeconds: 60,
  potentialParentsCount: 10,
  loginRoomListMinUsers: 5,
  passwordCost: 16384,
  logLevel: 'info',
  limits: {
    maxMessageBytes: 64 * 1024,
    maxWriteBufferBytes: 4 * 1024 * 1024,
    loginTimeoutSeconds: 60,
    idleTimeoutSeconds: 0,
    failedConnectionsPerMinutePerIp: 30,
    pendingLoginsPerIp: 20,
    registrationsPerHourPerIp: 5,
    privateMessageBurst: 20,
    privateMessagesPerMinute: 30,
    inboxSize: 1000,
    inboxSharePerSender: 100,
    storedBytesPerConnection: 4 * 1024 * 1024,
    searchBurst: 10,
    searchesPerMinute: 30,
    maxQueryLength: 256,
    maxChatLength: 2048,
    maxWatchedUsers: 2000,
    maxJoinedRooms: 100,
    maxPendingMessages: 512,
  },
};

export type ServerConfigInput = Partial<Omit<ServerConfig, 'limits'>> & { limits?: Partial<ServerLimits> };

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Merges settings over the defaults and checks every value. */
export function resolveConfig(...inputs: ServerConfigInput[]): ServerConfig {
  let config: ServerConfig = { ...defaultConfig, limits: { ...defaultConfig.limits } };
  for (const input of inputs) {
    const { limits, ...rest } = input;
    if (limits !== undefined && (limits === null || typeof limits !== 'object' || Array.isArray(limits))) {
      throw new ConfigError('limits must be an object such as {"loginTimeoutSeconds": 60}');
    }
    for (const key of Object.keys(rest)) {
      if (!Object.hasOwn(defaultConfig, key)) throw new ConfigError(`unknown setting ${JSON.stringify(key)}; known: ${Object.keys(defaultConfig).join(', ')}`);
    }
    for (const key of Object.keys(limits ?? {})) {
      if (!Object.hasOwn(defaultConfig.limits, key)) {
        throw new ConfigError(`unknown limit ${JSON.stringify(key)}; known: ${Object.keys(defaultConfig.limits).join(', ')}`);
      }
    }
    const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
    const definedLimits = Object.fromEntries(Object.entries(limits ?? {}).filter(([, v]) => v !== undefined));
    config = { ...config, ...defined, limits: { ...config.limits, ...definedLimits } };
  }
  validate(config);
  return config;
}

export function loadConfigFile(path: string): ServerConfigInput {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read the config file ${path}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`the config file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(`the config file ${path} must hold one JSON object, such as {"port": 2242}`);
  }
  return parsed as ServerConfigInput;
}

function validate(config: ServerConfig): void {
  const integer = (name: string, value: unknown, min: number, max: number): void => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
    }
  };
  if (typeof config.host !== 'string' || config.host === '') throw new ConfigError('host must be an address such as 127.0.0.1 or 0.0.0.0');
  integer('port', config.port, 0, 65535);
  if (typeof config.dataDir !== 'string' || config.dataDir === '') throw new ConfigError('dataDir must be a folder path');
  if (typeof config.private !== 'boolean') throw new ConfigError('private must be true or false');
  integer('maxUsers', config.maxUsers, 1, 10_000_000);
  if (typeof config.motd !== 'string') throw new ConfigError('motd must be a string');
  if (!Array.isArray(config.admins) || !config.admins.every((name) => typeof name === 'string' && name !== '')) {
    throw new ConfigError('admins must be a list of usernames, such as ["alice"]');
  }
  if (!Array.isArray(config.excludedSearchPhrases) || !config.excludedSearchPhrases.every((p) => typeof p === 'string' && p !== '')) {
    throw new ConfigError('excludedSearchPhrases must be a list of non-empty strings');
  }
  integer('wishlistIntervalSeconds', config.wishlistIntervalSeconds, 1, 86_400 * 7);
  integer('privilegedWishlistIntervalSeconds', config.privilegedWishlistIntervalSeconds, 1, 86_400 * 7);
  integer('parentMinSpeed', config.parentMinSpeed, 0, 0xffff_ffff);
  integer('parentSpeedRatio', config.parentSpeedRatio, 0, 0xffff_ffff);
  integer('potentialParentsIntervalSeconds', config.potentialParentsIntervalSeconds, 1, 86_400);
  integer('potentialParentsCount', config.potentialParentsCount, 1, 100);
  integer('loginRoomListMinUsers', config.loginRoomListMinUsers, 0, 1_000_000);
  integer('passwordCost', config.passwordCost, 1024, 1 << 20);
  if ((config.passwordCost & (config.passwordCost - 1)) !== 0) throw new ConfigError('passwordCost must be a power of two (16384 by default)');
  const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
  if (!levels.includes(config.logLevel)) throw new ConfigError(`logLevel must be one of ${levels.join(', ')}`);
  const l = config.limits;
  integer('limits.maxMessageBytes', l.maxMessageBytes, 1024, 448 * 1024 * 1024);
  integer('limits.maxWriteBufferBytes', l.maxWriteBufferBytes, 64 * 1024, 1024 * 1024 * 1024);
  integer('limits.loginTimeoutSeconds', l.loginTimeoutSeconds, 1, 3600);
  integer('limits.idleTimeoutSeconds', l.idleTimeoutSeconds, 0, 86_400 * 7);
  integer('limits.failedConnectionsPerMinutePerIp', l.failedConnectionsPerMinutePerIp, 1, 10_000_000);
  integer('limits.pendingLoginsPerIp', l.pendingLoginsPerIp, 1, 10_000_000);
  integer('limits.registrationsPerHourPerIp', l.registrationsPerHourPerIp, 1, 10_000_000);
  integer('limits.privateMessageBurst', l.privateMessageBurst, 1, 10_000_000);
  integer('limits.privateMessagesPerMinute', l.privateMessagesPerMinute, 1, 10_000_000);
  integer('limits.inboxSize', l.inboxSize, 1, 10_000_000);
  integer('limits.inboxSharePerSender', l.inboxSharePerSender, 1, 10_000_000);
  if (l.inboxSharePerSender > l.inboxSize) throw new ConfigError(`limits.inboxSharePerSender (${l.inboxSharePerSender}) must not exceed limits.inboxSize (${l.inboxSize})`);
  integer('limits.storedBytesPerConnection', l.storedBytesPerConnection, 1024, 2 ** 40);
  integer('limits.searchBurst', l.searchBurst, 1, 1_000_000);
  integer('limits.searchesPerMinute', l.searchesPerMinute, 1, 1_000_000);
  integer('limits.maxQueryLength', l.maxQueryLength, 1, 65_536);
  integer('limits.maxChatLength', l.maxChatLength, 1, 1_000_000);
  integer('limits.maxWatchedUsers', l.maxWatchedUsers, 1, 1_000_000);
  integer('limits.maxJoinedRooms', l.maxJoinedRooms, 1, 100_000);
  integer('limits.maxPendingMessages', l.maxPendingMessages, 1, 1_000_000);
}
