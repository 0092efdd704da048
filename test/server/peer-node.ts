// A small Soulseek peer for the server tests, built on the protocol library alone: it logs in, listens
// for peer connections, joins the distributed tree the way docs/flows.md §4 describes, passes searches
// down its branch and answers matching ones with a PeerSearchReply over a P connection (§2, §3).

import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import {
  FrameReader,
  decode,
  encode,
  type DistributedMessage,
  type FileData,
  type MessageFor,
  type PeerInitMessage,
  type PeerInitMessageOf,
  type ServerResponse,
} from '../../src/protocol/index.ts';
import { RawClient, WAIT_MS } from './harness.ts';

// ---- waiting on things that happen later -----------------------------------------------------

/** Things that happen, kept in order; wait() settles on one already here or on the next that fits. */
export class EventLog<T> {
  readonly items: T[] = [];
  private waiters: { test: (item: T) => boolean; resolve: (item: T) => void }[] = [];

  push(item: T): void {
    this.items.push(item);
    this.waiters = this.waiters.filter((waiter) => {
      if (!waiter.test(item)) return true;
      waiter.resolve(item);
      return false;
    });
  }

  wait<S extends T>(test: (item: T) => item is S, what: string, timeoutMs?: number): Promise<S>;
  wait(test: (item: T) => boolean, what: string, timeoutMs?: number): Promise<T>;
  wait(test: (item: T) => boolean, what: string, timeoutMs = WAIT_MS): Promise<T> {
    const found = this.items.find(test);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter = {
        test,
        resolve: (item: T) => {
          clearTimeout(timer);
          resolve(item);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }
}

// ---- peer connections ------------------------------------------------------------------------

type LinkChannel = 'peer' | 'distributed';

/** A peer connection past its init message: frames of one channel both ways. */
export class PeerLink<C extends LinkChannel> {
  readonly socket: Socket;
  readonly channel: C;
  /** The user at the other end: from its PeerInit, or the one we dialled. */
  readonly remoteName: string;
  readonly messages = new EventLog<MessageFor<C, 'both'>>();
  readonly errors: Error[] = [];
  closed = false;
  private readonly reader: FrameReader;

  constructor(socket: Socket, channel: C, remoteName: string, onMessage: (message: MessageFor<C, 'both'>) => void) {
    this.socket = socket;
    this.channel = channel;
    this.remoteName = remoteName;
    this.reader = new FrameReader(channel);
    socket.on('data', (chunk) => this.feed(chunk, onMessage));
    socket.on('close', () => (this.closed = true));
    socket.on('error', (error) => this.errors.push(error));
  }

  /** Bytes that arrived with the init message belong to this channel already. */
  feed(bytes: Uint8Array, onMessage: (message: MessageFor<C, 'both'>) => void): void {
    if (bytes.length === 0 || this.closed) return;
    try {
      for (const frame of this.reader.push(bytes)) {
        const message = decode(this.channel, 'both', frame);
        this.messages.push(message);
        onMessage(message);
      }
    } catch (error) {
      // A peer that sends garbage is dropped, as real clients do; the error stays for the test to see.
      this.errors.push(error instanceof Error ? error : new Error(String(error)));
      this.socket.destroy();
    }
  }

  send(message: MessageFor<C, 'both'>): void {
    if (!this.closed) this.socket.write(encode(this.channel, 'both', message));
  }

  close(): void {
    this.socket.destroy();
  }
}

/**
 * Reads the first frame of a connection (PeerInit or PeerPierceFirewall) and hands it over with the
 * bytes that followed it, synchronously, so nothing arrives between the two readers.
 */
function onInit(socket: Socket, done: (init: PeerInitMessage, rest: Uint8Array) => void, failed: (error: Error) => void): void {
  let buffered = Buffer.alloc(0);
  const onData = (chunk: Buffer): void => {
    buffered = Buffer.concat([buffered, chunk]);
    if (buffered.length < 4) return;
    const size = 4 + buffered.readUInt32LE(0);
    if (buffered.length < size) return;
    socket.off('data', onData);
    try {
      done(decode('peer-init', 'both', buffered.subarray(0, size)), buffered.subarray(size));
    } catch (error) {
      failed(error instanceof Error ? error : new Error(String(error)));
      socket.destroy();
    }
  };
  socket.on('data', onData);
}

export type IncomingLink =
  | { type: 'P'; init: PeerInitMessageOf<'PeerInit'>; link: PeerLink<'peer'> }
  | { type: 'D'; init: PeerInitMessageOf<'PeerInit'>; link: PeerLink<'distributed'> };

/** A listening socket on 127.0.0.1 (port 0) that sorts incoming connections by their PeerInit. */
export class PeerListener {
  readonly server: Server;
  readonly incoming = new EventLog<IncomingLink>();
  readonly errors: Error[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly onIncoming: (incoming: IncomingLink) => void;

  private constructor(onIncoming: (incoming: IncomingLink) => void) {
    this.onIncoming = onIncoming;
    this.server = createServer((socket) => this.accept(socket));
  }

  static listen(onIncoming: (incoming: IncomingLink) => void = () => {}): Promise<PeerListener> {
    const listener = new PeerListener(onIncoming);
    return new Promise((resolve, reject) => {
      listener.server.once('error', reject);
      listener.server.listen({ host: '127.0.0.1', port: 0 }, () => resolve(listener));
    });
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', (error) => this.errors.push(error));
    onInit(
      socket,
      (init, rest) => {
        // Only direct connections are made in these tests; a PierceFirewall has no pending request here.
        if (init.name !== 'PeerInit' || (init.connectionType !== 'P' && init.connectionType !== 'D')) {
          this.errors.push(new Error(`unexpected first message ${JSON.stringify(init)}`));
          socket.destroy();
          return;
        }
        // Messages on incoming links are only kept (link.messages): children and searchers send nothing to act on.
        const incoming: IncomingLink =
          init.connectionType === 'P'
            ? { type: 'P', init, link: new PeerLink(socket, 'peer', init.username, () => {}) }
            : { type: 'D', init, link: new PeerLink(socket, 'distributed', init.username, () => {}) };
        incoming.link.feed(rest, () => {});
        this.incoming.push(incoming);
        this.onIncoming(incoming);
      },
      (error) => this.errors.push(error),
    );
  }

  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

// ---- the peer --------------------------------------------------------------------------------

export interface SharedFile {
  filename: string;
  size: bigint;
  /** Bitrate in kbit/s (attribute 0), as lossy files carry it. */
  bitrate?: number;
}

export interface PeerNodeOptions {
  serverPort: number;
  username: string;
  password?: string;
  files?: readonly SharedFile[];
  /**
   * Runs after PeerInit went out on a new outgoing P connection and before anything else does.
   * Some clients only start reading peer messages once they have handled the PeerInit.
   */
  afterPeerInit?: (username: string) => Promise<void>;
}

/** How a search reached this peer. */
export interface SeenSearch {
  via: 'FileSearch' | 'ServerSearchRequest' | 'DistributedSearchRequest';
  /** 'server', or the parent whose D connection carried it. */
  from: string;
  username: string;
  ticket: number;
  query: string;
}

export interface TreePosition {
  parent: string | undefined;
  level: number;
  root: string;
}

interface Candidate {
  link: PeerLink<'distributed'>;
  level?: number;
  root?: string;
}

export class PeerNode {
  readonly username: string;
  readonly server: RawClient;
  readonly listener: PeerListener;
  readonly files: readonly SharedFile[];
  /** Every search that reached this peer, however it came. */
  readonly searches = new EventLog<SeenSearch>();
  /** Every change of place in the tree (adoption, or new level/root from the parent). */
  readonly positions = new EventLog<TreePosition>();
  readonly childJoins = new EventLog<string>();
  readonly repliesSent = new EventLog<{ to: string; ticket: number; files: string[] }>();
  readonly resets = new EventLog<number>();
  /** Things that went wrong on peer connections; tests assert it stays empty. */
  readonly problems: string[] = [];
  parent: PeerLink<'distributed'> | undefined;
  level = 0;
  root: string;
  readonly children = new Map<string, PeerLink<'distributed'>>();
  private acceptingChildren = false;
  private readonly candidates = new Map<string, Candidate>();
  private readonly peerLinks = new Map<string, Promise<PeerLink<'peer'>>>();
  private readonly afterPeerInit: ((username: string) => Promise<void>) | undefined;
  private readonly serverReader = new FrameReader('server');
  private closing = false;

  private constructor(options: PeerNodeOptions, server: RawClient, listener: PeerListener) {
    this.username = options.username;
    this.root = options.username;
    this.server = server;
    this.listener = listener;
    this.files = options.files ?? [];
    this.afterPeerInit = options.afterPeerInit;
    // RawClient keeps the messages for the test to look at; this second reader reacts to them.
    server.socket.on('data', (chunk) => {
      for (const frame of this.serverReader.push(chunk)) this.onServerMessage(decode('server', 'response', frame));
    });
  }

  /** Listens, logs in and announces the listen port; resolves once the server has taken the port. */
  static async start(options: PeerNodeOptions): Promise<PeerNode> {
    let node: PeerNode | undefined;
    const listener = await PeerListener.listen((incoming) => node?.onIncoming(incoming));
    const server = await RawClient.login(options.serverPort, options.username, options.password);
    node = new PeerNode(options, server, listener);
    server.send({ name: 'SetListenPort', listeningPort: listener.port });
    await node.sync();
    return node;
  }

  get port(): number {
    return this.listener.port;
  }

  /** Resolves once the server has handled everything sent before (it answers in order). */
  async sync(): Promise<void> {
    const marker = `sync-${Math.random().toString(36).slice(2)}`;
    this.server.send({ name: 'GetUserStatus', username: marker });
    await this.server.next('GetUserStatus', (m) => m.username === marker);
  }

  /** Stays a branch root: tells the server level 0 and itself as root, without looking for a parent. */
  async becomeRoot(): Promise<void> {
    this.server.send({ name: 'BranchRoot', username: this.username });
    this.server.send({ name: 'BranchLevel', level: 0 });
    await this.sync();
  }

  /** The client's start in the tree (FLOWS §4 step 1): no parent yet, so ask for candidates. */
  seekParent(): void {
    this.server.send({ name: 'ToggleParentSearch', enable: true });
    this.server.send({ name: 'BranchRoot', username: this.username });
    this.server.send({ name: 'BranchLevel', level: 0 });
  }

  async acceptChildren(accept: boolean): Promise<void> {
    this.acceptingChildren = accept;
    this.server.send({ name: 'AcceptChildren', accept });
    await this.sync();
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const candidate of this.candidates.values()) candidate.link.close();
    this.parent?.close();
    for (const child of this.children.values()) child.close();
    for (const link of this.peerLinks.values()) link.then((l) => l.close(), () => {});
    await this.listener.close();
    if (!this.server.closed) await this.server.close();
  }

  // ---- server messages -----------------------------------------------------------------------

  private onServerMessage(message: ServerResponse): void {
    switch (message.name) {
      case 'PotentialParents':
        if (this.parent !== undefined) return;
        for (const entry of message.entries) this.dialCandidate(entry.username, entry.ip, entry.port);
        return;
      case 'ServerSearchRequest':
        // As a branch root: unwrap, pass the inner DistributedSearchRequest down, then look locally.
        this.forwardToChildren({ name: 'DistributedSearchRequest', unknown: message.unknown, username: message.username, ticket: message.ticket, query: message.query });
        this.onSearch({ via: 'ServerSearchRequest', from: 'server', username: message.username, ticket: message.ticket, query: message.query });
        return;
      case 'FileSearch':
        this.onSearch({ via: 'FileSearch', from: 'server', username: message.username, ticket: message.ticket, query: message.query });
        return;
      case 'ResetDistributed':
        // Drop parent and children; the test decides when to start over.
        this.resets.push(this.resets.items.length + 1);
        this.parent?.close();
        this.parent = undefined;
        for (const child of this.children.values()) child.close();
        this.children.clear();
        this.setPosition(undefined, 0, this.username);
        return;
      default:
        return;
    }
  }

  // ---- the distributed tree ------------------------------------------------------------------

  private dialCandidate(name: string, ip: string, port: number): void {
    if (this.candidates.has(name) || name === this.username) return;
    const socket = connect({ host: ip, port });
    const candidate: Candidate = { link: new PeerLink(socket, 'distributed', name, (m) => this.onCandidateMessage(candidate, m)) };
    this.candidates.set(name, candidate);
    socket.on('connect', () => socket.write(encode('peer-init', 'both', { name: 'PeerInit', username: this.username, connectionType: 'D', ticket: 0 })));
    socket.on('close', () => {
      if (this.candidates.get(name) === candidate) this.candidates.delete(name);
      if (this.parent === candidate.link) this.onParentLost();
    });
  }

  private onCandidateMessage(candidate: Candidate, message: DistributedMessage): void {
    const link = candidate.link;
    if (link === this.parent) {
      this.onParentMessage(message);
      return;
    }
    if (message.name === 'DistributedBranchLevel') candidate.level = message.level;
    else if (message.name === 'DistributedBranchRoot') candidate.root = message.root;
    else return;
    // aio's rule (FLOWS §4 step 4): the first candidate whose level and root are both known.
    if (this.parent !== undefined || candidate.level === undefined || candidate.root === undefined) return;
    if (candidate.level < 0 || candidate.root === '') return;
    this.parent = link;
    for (const [name, other] of this.candidates) {
      if (other !== candidate) {
        other.link.close();
        this.candidates.delete(name);
      }
    }
    this.server.send({ name: 'ToggleParentSearch', enable: false });
    this.setPosition(link.remoteName, candidate.level + 1, candidate.root);
  }

  private onParentMessage(message: DistributedMessage): void {
    switch (message.name) {
      case 'DistributedBranchLevel':
        if (message.level < 0) {
          this.parent?.close();
          return;
        }
        this.setPosition(this.parent?.remoteName, message.level + 1, this.root);
        return;
      case 'DistributedBranchRoot':
        if (message.root === '') {
          this.parent?.close();
          return;
        }
        this.setPosition(this.parent?.remoteName, this.level, message.root);
        return;
      case 'DistributedSearchRequest':
        this.forwardToChildren(message);
        this.onSearch({ via: 'DistributedSearchRequest', from: this.parent?.remoteName ?? '?', username: message.username, ticket: message.ticket, query: message.query });
        return;
      case 'DistributedServerSearchRequest':
        // Old SoulseekQt forwarded the server's wrapper: accept it, pass on the plain request.
        this.forwardToChildren({ name: 'DistributedSearchRequest', unknown: message.unknown, username: message.username, ticket: message.ticket, query: message.query });
        this.onSearch({ via: 'DistributedSearchRequest', from: this.parent?.remoteName ?? '?', username: message.username, ticket: message.ticket, query: message.query });
        return;
      default:
        return;
    }
  }

  /** Tells the server and the children where this peer now sits (FLOWS §4 steps 5 and 6). */
  private setPosition(parent: string | undefined, level: number, root: string): void {
    this.level = level;
    this.root = root;
    if (!this.closing) {
      this.server.send({ name: 'BranchRoot', username: root });
      this.server.send({ name: 'BranchLevel', level });
    }
    for (const child of this.children.values()) {
      child.send({ name: 'DistributedBranchLevel', level });
      child.send({ name: 'DistributedBranchRoot', root });
    }
    this.positions.push({ parent, level, root });
  }

  private onParentLost(): void {
    this.parent = undefined;
    if (this.closing) return;
    this.server.send({ name: 'ToggleParentSearch', enable: true });
    this.setPosition(undefined, 0, this.username);
  }

  private onIncoming(incoming: IncomingLink): void {
    if (incoming.type !== 'D') return;
    const { link } = incoming;
    if (!this.acceptingChildren || this.children.has(link.remoteName) || link.remoteName === this.username) {
      link.close();
      return;
    }
    this.children.set(link.remoteName, link);
    link.socket.on('close', () => {
      if (this.children.get(link.remoteName) === link) this.children.delete(link.remoteName);
    });
    // A would-be child learns at once where it would sit (FLOWS §4 step 3).
    link.send({ name: 'DistributedBranchLevel', level: this.level });
    link.send({ name: 'DistributedBranchRoot', root: this.root });
    this.childJoins.push(link.remoteName);
  }

  private forwardToChildren(message: DistributedMessage): void {
    for (const child of this.children.values()) child.send(message);
  }

  // ---- answering searches --------------------------------------------------------------------

  private onSearch(search: SeenSearch): void {
    this.searches.push(search);
    if (search.username === this.username) return;
    const matches = this.files.filter((file) => matchesQuery(file.filename, search.query));
    // No match, no reply: never an empty PeerSearchReply (FLOWS §3).
    if (matches.length === 0) return;
    this.reply(search.username, search.ticket, matches).catch((error: unknown) => {
      this.problems.push(`reply to ${search.username}: ${error instanceof Error ? error.message : String(error)}`);
    });
  }

  private async reply(to: string, ticket: number, matches: readonly SharedFile[]): Promise<void> {
    const link = await this.peerLink(to);
    const results: FileData[] = matches.map((file) => ({
      unknown: 1,
      filename: file.filename,
      filesize: file.size,
      extension: '',
      attributes: file.bitrate === undefined ? [] : [{ key: 0, value: file.bitrate }],
    }));
    link.send({ name: 'PeerSearchReply', username: this.username, ticket, results, hasSlotsFree: true, avgSpeed: 0, queueSize: 0, unknown: 0 });
    this.repliesSent.push({ to, ticket, files: matches.map((file) => file.filename) });
  }

  /** The P connection to a user: reused while open, else GetPeerAddress and a direct connect (FLOWS §2). */
  private peerLink(username: string): Promise<PeerLink<'peer'>> {
    const existing = this.peerLinks.get(username);
    if (existing !== undefined) {
      return existing.then((link) => (link.closed ? this.openPeerLink(username) : link));
    }
    return this.openPeerLink(username);
  }

  private openPeerLink(username: string): Promise<PeerLink<'peer'>> {
    const opening = (async () => {
      this.server.send({ name: 'GetPeerAddress', username });
      const address = await this.server.next('GetPeerAddress', (m) => m.username === username);
      if (address.port === 0) throw new Error(`${username} is offline (GetPeerAddress ${address.ip}:${address.port})`);
      const socket = connect({ host: address.ip, port: address.port });
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('error', reject);
      });
      const link: PeerLink<'peer'> = new PeerLink(socket, 'peer', username, () => {});
      socket.write(encode('peer-init', 'both', { name: 'PeerInit', username: this.username, connectionType: 'P', ticket: 0 }));
      await this.afterPeerInit?.(username);
      return link;
    })();
    this.peerLinks.set(username, opening);
    opening.catch(() => this.peerLinks.delete(username));
    return opening;
  }
}

/** Every query word must be a whole word of the path, case-insensitively (FLOWS §3 matching). */
export function matchesQuery(path: string, query: string): boolean {
  const words = new Set(path.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w !== ''));
  const terms = query.toLowerCase().split(/\s+/).filter((t) => t !== '');
  return terms.length > 0 && terms.every((term) => words.has(term));
}
