// Peer connections: the listen ports, incoming connections of every type, and outgoing ones made
// the way real clients make them — a direct connection and an indirect one (ConnectToPeer, the
// peer connects back with PeerPierceFirewall) raced, the loser closed. One P connection per peer is
// kept and reused; idle ones are closed; the total is capped.

import { createServer, connect as tcpConnect, type Server, type Socket } from 'node:net';
import type { PeerMessage, ServerResponseOf } from '../protocol/index.ts';
import { InFlight, untilAborted } from '../net/in-flight.ts';
import { AbortError, ClientError, PeerUnreachableError, ServerDisconnectedError, TimeoutError } from './errors.ts';
import { ConnectionCaps } from './connection-caps.ts';
import { readInit, writeInit, writeInitSettled } from './handshake.ts';
import type { ResolvedOptions } from './options.ts';
import { DistributedConnection, PeerConnection } from './peer-connection.ts';
import { PeerOutbox } from './peer-outbox.ts';
import type { ServerLink } from './server-link.ts';
import { withDeadline } from './wait.ts';

export type ConnectionType = 'P' | 'F' | 'D';

/** Messages remembered per connection and per user for sending again after a race. */
const MAX_REMEMBERED_PER_USER = 32;

/** A connection after its init message, before anything else was read from it. */
export interface EstablishedSocket {
  socket: Socket;
  username: string;
  type: ConnectionType;
  /** Bytes that arrived after the init message. */
  rest: Uint8Array;
  /** The connection is to/from an obfuscated port. */
  obfuscated: boolean;
}

export interface PeerHooks {
  /** Our username, once logged in. */
  username(): string | undefined;
  server(): ServerLink | undefined;
  /** A P connection is ready (incoming or outgoing): the client listens to its messages. */
  peerConnected(connection: PeerConnection): void;
  /** A D connection was established; the distributed node decides what it is. */
  distributedConnected(connection: DistributedConnection, direction: 'incoming' | 'outgoing'): void;
  /** An F connection after its init; the transfers code takes it (next issue). */
  fileConnected(connection: EstablishedSocket): void;
}

/** A peer connecting back to us after ConnectToPeer, with the ticket of our request. */
type IndirectArrival = Pick<EstablishedSocket, 'socket' | 'rest' | 'obfuscated'>;

export class PeerManager {
  private readonly options: ResolvedOptions;
  private readonly hooks: PeerHooks;
  private listener: Server | undefined;
  private obfuscatedListener: Server | undefined;
  /** The P connection we send on, per user. */
  private readonly peers = new Map<string, PeerConnection>();
  /** Every open P connection, including the ones that lost a race. */
  private readonly allPeers = new Set<PeerConnection>();
  /** P connections being made, so concurrent callers share one attempt. */
  private readonly connecting: InFlight<string, PeerConnection>;
  /** Indirect attempts (ConnectToPeer sent), by ticket, settled when the peer connects back. */
  private readonly indirect: InFlight<number, IndirectArrival>;
  private readonly caps: ConnectionCaps;
  /** Messages sent per user, kept briefly to send again if a race closes the connection under them. */
  private readonly outbox: PeerOutbox;
  private nextTicket = Math.floor(Math.random() * 0x7fff_0000) + 1;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(options: ResolvedOptions, hooks: PeerHooks) {
    this.options = options;
    this.hooks = hooks;
    this.caps = new ConnectionCaps(options.limits);
    this.outbox = new PeerOutbox({
      windowMs: options.timeouts.peerRaceWindowMs,
      maxRemembered: MAX_REMEMBERED_PER_USER,
      current: (username) => this.current(username),
      log: options.logger,
    });
    const t = options.timeouts;
    const timeoutError = (what: string, ms: number): Error => new TimeoutError(what, ms);
    // Long enough for each step of connect() to meet its own deadline first.
    const attemptMs = t.requestMs + t.peerIndirectDelayMs + t.peerConnectMs + t.peerInitSettleMs + t.peerIndirectMs;
    this.connecting = new InFlight({ timeoutMs: attemptMs, describe: (username) => `connecting to ${String(username)}`, timeoutError });
    this.indirect = new InFlight({ timeoutMs: t.peerIndirectMs, describe: () => 'waiting for the peer to connect back', timeoutError });
  }

  get listenPort(): number {
    const address = this.listener?.address();
    return typeof address === 'object' && address !== null ? address.port : 0;
  }

  get obfuscatedPort(): number {
    const address = this.obfuscatedListener?.address();
    return typeof address === 'object' && address !== null ? address.port : 0;
  }

  connections(): { username: string; address: string; obfuscated: boolean }[] {
    return [...this.allPeers].map((c) => ({ username: c.username, address: c.remoteAddress, obfuscated: c.obfuscated }));
  }

  /** Opens the listen port(s); idempotent. */
  async listen(): Promise<void> {
    if (this.listener === undefined) {
      this.listener = await this.openListener(this.options.listenPort, false);
    }
    if (this.options.obfuscatedListenPort !== false && this.obfuscatedListener === undefined) {
      this.obfuscatedListener = await this.openListener(this.options.obfuscatedListenPort, true);
    }
    this.idleTimer ??= setInterval(() => this.closeIdle(), Math.max(1000, this.options.timeouts.peerIdleMs / 4));
    this.idleTimer.unref();
  }

  private openListener(port: number, obfuscated: boolean): Promise<Server> {
    const server = createServer({ noDelay: true }, (socket) => {
      this.accept(socket, obfuscated).catch((error: unknown) => {
        this.options.logger.warn?.({ err: (error as Error).message }, 'incoming peer connection failed');
        socket.destroy();
      });
    });
    return new Promise((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) =>
        reject(new ClientError('LISTEN_FAILED', `cannot listen on port ${port} (${error.code ?? error.message}); choose another listen port`, { cause: error })),
      );
      server.listen({ host: this.options.listenHost, port }, () => {
        server.removeAllListeners('error');
        server.on('error', (error) => this.options.logger.warn?.({ err: error.message }, 'listener error'));
        resolve(server);
      });
    });
  }

  /** A socket we opened, counted against the total cap; destroyed (false) past it. */
  private track(socket: Socket): boolean {
    if (this.caps.admitOutgoing(socket)) return true;
    this.options.logger.info?.({ limit: this.options.limits.maxPeerConnections }, 'peer connection limit reached, refusing');
    socket.destroy();
    return false;
  }

  /** Sockets held, in total and per remote address of incoming ones (diagnostics). */
  socketCounts(): { total: number; byAddress: Record<string, number> } {
    return this.caps.snapshot();
  }

  private async accept(socket: Socket, obfuscated: boolean): Promise<void> {
    if (!this.caps.admitIncoming(socket)) {
      this.options.logger.debug?.({ address: socket.remoteAddress }, 'too many peer connections from this address (or in total), refusing');
      socket.destroy();
      return;
    }
    let init;
    try {
      // A socket that owes its init is closed soon: idle ones would otherwise hold their slot.
      init = await readInit(socket, { obfuscated, timeoutMs: this.options.timeouts.peerInitMs });
    } catch (error) {
      this.options.logger.debug?.({ err: (error as Error).message }, 'incoming peer connection dropped before its init');
      return;
    }
    if (!this.caps.established(socket)) {
      this.options.logger.debug?.({ address: socket.remoteAddress, limit: this.options.limits.maxPeerConnectionsPerIp }, 'too many peer connections from this address, refusing');
      socket.destroy();
      return;
    }
    const message = init.init;
    if (message.name === 'PeerPierceFirewall') {
      // Unless it answers an indirect attempt still waiting (not one the direct way won, or expired).
      if (!this.indirect.resolve(message.ticket, { socket, rest: init.rest, obfuscated })) socket.destroy();
      return;
    }
    const type = message.connectionType as ConnectionType;
    if (type !== 'P' && type !== 'F' && type !== 'D') {
      socket.destroy();
      return;
    }
    this.adopt({ socket, username: message.username, type, rest: init.rest, obfuscated }, 'incoming');
  }

  /**
   * Hands an established connection to whoever reads its type. A P connection becomes the one we
   * send on (`primary`), unless an open one exists and this one only lost a race. Older P
   * connections are not closed: the peer may be sending on them (after a race each side can pick a
   * different socket, as with Nicotine+); idle ones close by themselves.
   */
  private adopt(established: EstablishedSocket, direction: 'incoming' | 'outgoing', primary = true): PeerConnection | undefined {
    const { socket, username, type, rest, obfuscated } = established;
    if (type === 'P') {
      // Only P connections stay obfuscated after the init.
      const connection = PeerConnection.over(username, socket, this.options.logger, { obfuscated, initialBytes: rest });
      this.allPeers.add(connection);
      const current = this.peers.get(username);
      if (primary || current === undefined || current.closed) this.peers.set(username, connection);
      connection.once('close', (reason) => {
        this.allPeers.delete(connection);
        if (this.peers.get(username) === connection) {
          this.peers.delete(username);
          // Fall back to another open connection to the same user, if any.
          for (const other of this.allPeers) {
            if (other.username === username && !other.closed) {
              this.peers.set(username, other);
              break;
            }
          }
        }
        // After the fallback: what the peer may not have read goes out on the survivor.
        this.outbox.closed(connection, reason);
      });
      this.hooks.peerConnected(connection);
      this.outbox.flush(username);
      return connection;
    }
    if (type === 'D') {
      this.hooks.distributedConnected(DistributedConnection.over(username, socket, this.options.logger, rest), direction);
      return undefined;
    }
    this.hooks.fileConnected(established);
    return undefined;
  }

  /**
   * The P connection to `username`, reusing an open one or making one. Concurrent callers share
   * one attempt; `signal` only lets this caller leave it.
   */
  peer(username: string, signal?: AbortSignal): Promise<PeerConnection> {
    const open = this.current(username);
    if (open !== undefined) return Promise.resolve(open);
    return this.connecting.run(username, (attempt) => this.connect(username, 'P', attempt).then((established) => this.adopt(established, 'outgoing')!), { signal });
  }

  /**
   * Sends `message` to `username` on its current P connection (the newest we adopted, whichever
   * side made it), connecting if there is none. Requests and replies alike go this way, so after a
   * connection race they reach the peer on the connection it kept (see PeerOutbox).
   */
  async send(username: string, message: PeerMessage, signal?: AbortSignal): Promise<void> {
    // Twice: the connection can close between being chosen and written to.
    for (let attempt = 0; attempt < 2; attempt++) {
      const connection = this.current(username) ?? (await this.peer(username, signal));
      if (this.outbox.write(connection, message)) return;
    }
    throw new ClientError('PEER_CLOSED', `the connection to ${username} closed before ${message.name} could be sent; try again`);
  }

  /** The open P connection we send on to `username`, if any. */
  private current(username: string): PeerConnection | undefined {
    const connection = this.peers.get(username);
    return connection !== undefined && !connection.closed ? connection : undefined;
  }

  /** A new D connection to a would-be parent, at a known address (from PotentialParents). */
  async distributedTo(username: string, ip: string, port: number): Promise<DistributedConnection> {
    const self = this.requireUsername();
    const socket = await this.dial(ip, port, this.options.timeouts.peerConnectMs);
    writeInit(socket, { name: 'PeerInit', username: self, connectionType: 'D', ticket: 0 }, false);
    return DistributedConnection.over(username, socket, this.options.logger);
  }

  /**
   * Makes a connection of `type` to `username`. Asks the server for the address, then races a
   * direct connection against an indirect one (ConnectToPeer: the peer connects back). The
   * indirect attempt starts when the direct one fails or has not connected within
   * peerIndirectDelayMs ("happy eyeballs"): on a reachable peer no second connection is made at
   * all, which matters for clients such as slsk-client that keep only the first connection a peer
   * makes and ignore a later one. Whichever attempt completes first wins; the other is closed.
   * With `verify`, an attempt completes only once verify() resolved on it (for F connections: the
   * peer answered the ticket with an offset), so a peer that accepts a direct socket but never
   * reads it (slsk-client) loses to the indirect one.
   * Every part has a deadline, and the whole attempt fails at once with ServerDisconnectedError
   * when the server link closes under it (the indirect way needs it).
   */
  async connect<V = undefined>(
    username: string,
    type: ConnectionType,
    signal?: AbortSignal,
    verify?: (candidate: EstablishedSocket) => Promise<V>,
  ): Promise<EstablishedSocket & { verified?: V }> {
    const server = this.requireServer();
    const self = this.requireUsername();
    const timeouts = this.options.timeouts;
    const what = `connecting to ${username}`;
    const dropped = new AbortController();
    const onServerClose = (): void => dropped.abort(new ServerDisconnectedError(what));
    server.once('close', onServerClose);
    // Stops the attempt: the caller left, or the server link dropped.
    const stop = signal === undefined ? dropped.signal : AbortSignal.any([signal, dropped.signal]);
    // Ends whatever of the attempt still runs once it is decided.
    const decided = new AbortController();
    const running = AbortSignal.any([stop, decided.signal]);
    const ticket = this.ticket();
    let indirectStarted = false;
    let headStart: NodeJS.Timeout | undefined;
    let direct: Promise<EstablishedSocket & { verified?: V }> | undefined;
    let viaPeer: Promise<EstablishedSocket & { verified?: V }> | undefined;
    let winner: EstablishedSocket | undefined;
    try {
      const address = await server.lookup({ name: 'GetPeerAddress', username }, 'GetPeerAddress', stop);
      if (address.ip === '0.0.0.0' && address.port === 0) throw new PeerUnreachableError(username, 'the user is offline');

      const indirectGo = Promise.withResolvers<void>();
      const startIndirect = (): void => indirectGo.resolve();
      headStart = setTimeout(startIndirect, timeouts.peerIndirectDelayMs);
      const checked = async (candidate: EstablishedSocket): Promise<EstablishedSocket & { verified?: V }> => {
        if (verify === undefined) return candidate;
        try {
          // Once the attempt is decided or stopped, a candidate still being checked is closed.
          return { ...candidate, verified: await Promise.race([verify(candidate), untilAborted(running)]) };
        } catch (error) {
          candidate.socket.destroy();
          throw error;
        }
      };
      viaPeer = indirectGo.promise
        .then(() => {
          if (server.closed) throw new ServerDisconnectedError(what);
          // A direct attempt cut short because the attempt ended must not start the indirect one.
          if (running.aborted) throw new ClientError('NOT_NEEDED', `${what}: decided`);
          indirectStarted = true;
          // Settled by accept() when the peer connects back with our ticket.
          return this.indirect.run(ticket, (wait) => {
            server.send({ name: 'ConnectToPeer', ticket, username, connectionType: type });
            return server.waitFor('CannotConnect', (m) => m.ticket === ticket, timeouts.peerIndirectMs, wait).then(() => {
              throw new PeerUnreachableError(username, 'the server says it cannot connect');
            });
          });
        })
        .then((arrival) => checked({ ...arrival, username, type }));
      // With obfuscation on both sides, the direct attempt goes to the peer's obfuscated port.
      const obfuscated = this.options.obfuscatedListenPort !== false && address.hasObfuscatedPort === 1 && (address.obfuscatedPort ?? 0) > 0;
      const port = obfuscated ? address.obfuscatedPort! : address.port;
      direct = (async (): Promise<EstablishedSocket & { verified?: V }> => {
        try {
          const socket = await this.dial(address.ip, port, timeouts.peerConnectMs, running);
          await writeInitSettled(socket, { name: 'PeerInit', username: self, connectionType: type, ticket: 0 }, obfuscated, timeouts.peerInitSettleMs);
          return await checked({ socket, username, type, rest: new Uint8Array(0), obfuscated });
        } catch (error) {
          startIndirect();
          throw error;
        }
      })();
      try {
        winner = await Promise.race([Promise.any([direct, viaPeer]), untilAborted(stop)]);
      } catch (error) {
        if (stop.aborted) throw stop.reason instanceof ClientError ? stop.reason : new AbortError(what, stop.reason);
        const reasons = error instanceof AggregateError ? error.errors.map((e: unknown) => (e as Error).message).join('; ') : String(error);
        throw new PeerUnreachableError(username, reasons);
      }
      if (!this.track(winner.socket)) throw new PeerUnreachableError(username, 'too many peer connections open');
      return winner;
    } finally {
      server.off('close', onServerClose);
      clearTimeout(headStart);
      decided.abort();
      // A late indirect arrival, or a direct one that lost, is closed.
      if (indirectStarted) this.indirect.reject(ticket, new ClientError('NOT_NEEDED', `${what}: decided`));
      const closeLoser = (loser: EstablishedSocket): void => {
        if (loser.socket !== winner?.socket) loser.socket.destroy();
      };
      direct?.then(closeLoser, () => {});
      viaPeer?.then(closeLoser, () => {});
    }
  }

  /** The server relays another user's request to reach us: connect to them and pierce their firewall. */
  async connectBack(m: ServerResponseOf<'ConnectToPeer'>): Promise<void> {
    const type = m.connectionType as ConnectionType;
    if (type !== 'P' && type !== 'F' && type !== 'D') return;
    try {
      const socket = await this.dial(m.ipAddress, m.port, this.options.timeouts.peerConnectMs);
      if (!this.track(socket)) return;
      writeInit(socket, { name: 'PeerPierceFirewall', ticket: m.ticket }, false);
      this.adopt({ socket, username: m.username, type, rest: new Uint8Array(0), obfuscated: false }, 'outgoing');
    } catch (error) {
      this.options.logger.debug?.({ peer: m.username, err: (error as Error).message }, 'could not connect back');
      this.hooks.server()?.send({ name: 'CannotConnect', ticket: m.ticket, username: m.username });
    }
  }

  private dial(host: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<Socket> {
    return withDeadline(`connecting to ${host}:${port}`, timeoutMs, signal, (combined) =>
      new Promise<Socket>((resolve, reject) => {
        const socket = tcpConnect({ host, port, noDelay: true });
        const onAbort = () => {
          socket.destroy();
          reject(combined.reason);
        };
        combined.addEventListener('abort', onAbort, { once: true });
        socket.once('connect', () => {
          combined.removeEventListener('abort', onAbort);
          socket.removeAllListeners('error');
          socket.on('error', () => {});
          resolve(socket);
        });
        socket.once('error', (error) => {
          combined.removeEventListener('abort', onAbort);
          reject(error);
        });
      }),
    );
  }

  private ticket(): number {
    this.nextTicket = (this.nextTicket % 0xffff_fff0) + 1;
    return this.nextTicket;
  }

  private requireServer(): ServerLink {
    const server = this.hooks.server();
    if (server === undefined || server.closed) throw new ClientError('NOT_CONNECTED', 'not logged in to a server; call login() first');
    return server;
  }

  private requireUsername(): string {
    const username = this.hooks.username();
    if (username === undefined) throw new ClientError('NOT_CONNECTED', 'not logged in; call login() first');
    return username;
  }

  /** Closes P connections that carried nothing for peerIdleMs. */
  private closeIdle(): void {
    this.outbox.prune();
    const cutoff = Date.now() - this.options.timeouts.peerIdleMs;
    for (const connection of this.allPeers) if (connection.lastActivity < cutoff) connection.close('idle');
  }

  async close(): Promise<void> {
    if (this.idleTimer) clearInterval(this.idleTimer);
    this.idleTimer = undefined;
    this.connecting.close('the client closed');
    this.indirect.close('the client closed');
    this.caps.destroyAll();
    const listeners = [this.listener, this.obfuscatedListener].filter((l): l is Server => l !== undefined);
    this.listener = undefined;
    this.obfuscatedListener = undefined;
    await Promise.all(listeners.map((l) => new Promise<void>((resolve) => l.close(() => resolve()))));
  }
}
