// Client options, with the defaults a Soulseek user would expect.

/** Anything with pino's method shape; console-like loggers work too. */
export interface ClientLogger {
  debug?(fields: object, message?: string): void;
  info?(fields: object, message?: string): void;
  warn?(fields: object, message?: string): void;
  error?(fields: object, message?: string): void;
}

export interface ClientTimeouts {
  /** Opening the TCP connection to the server. */
  connectMs: number;
  /** Waiting for the Login reply. */
  loginMs: number;
  /** Waiting for a reply from the server (peer address, user status, room list…). */
  requestMs: number;
  /** A direct TCP connection to a peer. */
  peerConnectMs: number;
  /** A peer connecting back to us after ConnectToPeer (indirect). */
  peerIndirectMs: number;
  /** Head start of the direct attempt before the indirect one begins too. */
  peerIndirectDelayMs: number;
  /** Pause between our init message and the first message on a new connection (see writeInitSettled). */
  peerInitSettleMs: number;
  /** A reply from a peer (shares, folder, user info). */
  peerReplyMs: number;
  /** An incoming peer connection that has not sent its init message within this is closed. */
  peerInitMs: number;
  /**
   * A peer closing a P connection this soon after we wrote on it may not have read it (it kept a
   * newer connection, as Nicotine+ does after a race): what we wrote is sent again on the survivor.
   */
  peerRaceWindowMs: number;
  /** Closing peer connections nothing has used for this long. */
  peerIdleMs: number;
  /** Default length of a search. */
  searchMs: number;
  /** Interval between keepalive Pings to the server. */
  pingMs: number;
}

export interface ClientLimits {
  /** Most peer sockets open at once (P, D and F, incoming and outgoing). */
  maxPeerConnections: number;
  /** Most incoming connections from one address that have not sent their init message yet. */
  maxPendingInitPerIp: number;
  /** Most established incoming connections from one address (a user's P, D and parallel F connections). */
  maxPeerConnectionsPerIp: number;
  /** Default cap on files a search collects. */
  maxSearchResults: number;
  /** Most distributed children, whatever the speed formula allows. */
  maxDistributedChildren: number;
  /** Distributed searches remembered to drop duplicates. */
  seenSearches: number;
}

export interface ReconnectOptions {
  enabled: boolean;
  /** First delay; each attempt doubles it, with ±50% jitter, up to maxDelayMs. */
  initialDelayMs: number;
  maxDelayMs: number;
}

export interface ClientOptions {
  /** Port to accept peer connections on; 0 picks a free one. */
  listenPort?: number;
  /** Address to listen on (default 0.0.0.0: reachable by peers on the network). */
  listenHost?: string;
  /** Also listen for obfuscated connections: a port number, 0 for any, or false (default). With it, we
   * also connect to peers' obfuscated ports when they announce one. */
  obfuscatedListenPort?: number | false;
  /** The port to announce to the server instead of the one we listen on (a router forwarding another port). */
  announcePort?: number;
  /** The client version pair sent at login. */
  version?: { major: number; minor: number };
  timeouts?: Partial<ClientTimeouts>;
  limits?: Partial<ClientLimits>;
  reconnect?: Partial<ReconnectOptions> | boolean;
  /** Take part in the distributed search network (default true). */
  distributed?: boolean;
  logger?: ClientLogger;
}

/** Our own version pair: unique, as docs/interop.md asks (157/101 SoulseekQt, 160 Nicotine+, 170 slskd, 157/100 aioslsk). */
export const CLIENT_VERSION = { major: 181, minor: 1 } as const;

export const defaultTimeouts: ClientTimeouts = {
  connectMs: 10_000,
  loginMs: 20_000,
  requestMs: 10_000,
  peerConnectMs: 5_000,
  peerIndirectMs: 20_000,
  peerIndirectDelayMs: 250,
  peerInitSettleMs: 25,
  peerReplyMs: 60_000,
  peerInitMs: 5_000,
  peerRaceWindowMs: 3_000,
  peerIdleMs: 60_000,
  searchMs: 15_000,
  pingMs: 5 * 60_000,
};

export const defaultLimits: ClientLimits = {
  maxPeerConnections: 500,
  // Together far below the total, so one address never fills it.
  maxPendingInitPerIp: 8,
  maxPeerConnectionsPerIp: 32,
  maxSearchResults: 1000,
  maxDistributedChildren: 10,
  seenSearches: 2000,
};

export const defaultReconnect: ReconnectOptions = { enabled: true, initialDelayMs: 5_000, maxDelayMs: 5 * 60_000 };

export interface ResolvedOptions {
  listenPort: number;
  listenHost: string;
  obfuscatedListenPort: number | false;
  announcePort: number | undefined;
  version: { major: number; minor: number };
  timeouts: ClientTimeouts;
  limits: ClientLimits;
  reconnect: ReconnectOptions;
  distributed: boolean;
  logger: ClientLogger;
}

export function resolveOptions(options: ClientOptions): ResolvedOptions {
  const reconnect =
    typeof options.reconnect === 'boolean' ? { ...defaultReconnect, enabled: options.reconnect } : { ...defaultReconnect, ...options.reconnect };
  return {
    listenPort: options.listenPort ?? 0,
    listenHost: options.listenHost ?? '0.0.0.0',
    obfuscatedListenPort: options.obfuscatedListenPort ?? false,
    announcePort: options.announcePort,
    version: options.version ?? CLIENT_VERSION,
    timeouts: { ...defaultTimeouts, ...options.timeouts },
    limits: { ...defaultLimits, ...options.limits },
    reconnect,
    distributed: options.distributed ?? true,
    logger: options.logger ?? {},
  };
}
