// Our place in the distributed search tree (docs/flows.md §4): find a parent among the server's
// PotentialParents, adopt the first that tells us its branch level and root, report our position
// to the server, take children up to a limit derived from our upload speed, pass every search from
// the parent (or, as a branch root, from the server) down to the children and to our own search
// responder, drop duplicates, and start over when the parent goes away.

import {
  DISTRIBUTED_SEARCH_UNKNOWN,
  encode,
  type DistributedMessage,
  type ServerResponse,
} from '../protocol/index.ts';
import type { ResolvedOptions } from './options.ts';
import type { DistributedConnection } from './peer-connection.ts';
import type { PeerManager } from './peers.ts';
import type { ServerLink } from './server-link.ts';

export interface DistributedSearch {
  username: string;
  ticket: number;
  query: string;
}

export interface DistributedHooks {
  username(): string | undefined;
  server(): ServerLink | undefined;
  /** A search that reached us through the tree (or as branch root from the server). */
  search(request: DistributedSearch): void;
  /** Our position changed. */
  changed(state: DistributedStatus): void;
}

export interface DistributedStatus {
  parent: string | undefined;
  branchLevel: number;
  branchRoot: string;
  children: string[];
  acceptingChildren: boolean;
}

interface Candidate {
  connection: DistributedConnection;
  level?: number;
  root?: string;
}

export class DistributedNode {
  private readonly options: ResolvedOptions;
  private readonly peers: PeerManager;
  private readonly hooks: DistributedHooks;
  private parent: DistributedConnection | undefined;
  private branchLevel = 0;
  private branchRoot = '';
  private readonly candidates = new Map<string, Candidate>();
  /** Candidates we are connecting to. */
  private readonly dialing = new Set<string>();
  private readonly children = new Map<string, DistributedConnection>();
  /** Searches already passed on: the same search can arrive twice while the tree is rebuilt. */
  private readonly seen = new Set<string>();
  private parentMinSpeed = 1;
  private parentSpeedRatio = 50;
  private avgSpeed: number | undefined;
  private accepting = false;
  /** The server has made us a branch root by sending ServerSearchRequest. */
  private servedByServer = false;
  private running = false;

  constructor(options: ResolvedOptions, peers: PeerManager, hooks: DistributedHooks) {
    this.options = options;
    this.peers = peers;
    this.hooks = hooks;
  }

  status(): DistributedStatus {
    return {
      parent: this.parent?.username,
      branchLevel: this.branchLevel,
      branchRoot: this.branchRoot,
      children: [...this.children.keys()],
      acceptingChildren: this.accepting,
    };
  }

  /** After login: no parent yet, ask for candidates. */
  start(): void {
    this.running = true;
    this.becomeRoot();
  }

  stop(): void {
    this.running = false;
    this.parent?.close('client stopped');
    this.parent = undefined;
    for (const candidate of this.candidates.values()) candidate.connection.close('client stopped');
    this.candidates.clear();
    for (const child of this.children.values()) child.close('client stopped');
    this.children.clear();
    this.servedByServer = false;
  }

  private self(): string {
    return this.hooks.username() ?? '';
  }

  /** No parent: we are the root of our own branch and look for a parent. */
  private becomeRoot(): void {
    const server = this.hooks.server();
    this.parent = undefined;
    this.branchLevel = 0;
    this.branchRoot = this.self();
    server?.send({ name: 'ToggleParentSearch', enable: true });
    server?.send({ name: 'BranchRoot', username: this.branchRoot });
    server?.send({ name: 'BranchLevel', level: 0 });
    this.updateAccepting();
    this.tellChildren();
    this.hooks.changed(this.status());
  }

  /** How many children our upload speed allows (Nicotine+'s formula: speed / ratio / 100, at most the limit). */
  childLimit(): number {
    const max = this.options.limits.maxDistributedChildren;
    if (this.avgSpeed === undefined) return Math.min(max, 5);
    if (this.parentSpeedRatio <= 0 || this.avgSpeed < this.parentMinSpeed) return 0;
    return Math.min(max, Math.floor(this.avgSpeed / this.parentSpeedRatio / 100));
  }

  /**
   * We take children once we have a parent or the server feeds us searches, and only while below the
   * limit. Returns whether that changed (callers that do not report a new status anyway report it).
   */
  private updateAccepting(): boolean {
    const canServe = this.parent !== undefined || this.servedByServer;
    const accept = this.running && canServe && this.children.size < this.childLimit();
    if (accept === this.accepting) return false;
    this.accepting = accept;
    this.hooks.server()?.send({ name: 'AcceptChildren', accept });
    return true;
  }

  /** Re-evaluates AcceptChildren and reports the new status if it changed. */
  private acceptingMayHaveChanged(): void {
    if (this.updateAccepting()) this.hooks.changed(this.status());
  }

  serverMessage(message: ServerResponse): void {
    // The speed settings come in the burst right after the Login reply, before start() runs (the
    // client starts us once it has handled that reply): keep them even while not running.
    switch (message.name) {
      case 'ParentMinSpeed':
        this.parentMinSpeed = message.parentMinSpeed;
        if (this.running) this.acceptingMayHaveChanged();
        return;
      case 'ParentSpeedRatio':
        this.parentSpeedRatio = message.parentSpeedRatio;
        if (this.running) this.acceptingMayHaveChanged();
        return;
      case 'GetUserStats':
        if (message.username === this.self()) {
          this.avgSpeed = message.userStats.avgSpeed;
          if (this.running) this.acceptingMayHaveChanged();
        }
        return;
      default:
    }
    if (!this.running) return;
    switch (message.name) {
      case 'PotentialParents':
        if (this.parent === undefined) for (const entry of message.entries) this.tryParent(entry.username, entry.ip, entry.port).catch((error: unknown) => this.options.logger.warn?.({ peer: entry.username, err: (error as Error).message }, 'trying a parent failed'));
        break;
      case 'ServerSearchRequest':
        // The server treats us as a branch root: pass the search down and answer it ourselves.
        if (this.parent === undefined) {
          if (!this.servedByServer) {
            this.servedByServer = true;
            this.acceptingMayHaveChanged();
          }
          this.onSearch(message.username, message.ticket, message.query);
        }
        break;
      case 'ResetDistributed':
        this.reset();
        break;
      default:
    }
  }

  /** Drop the parent and every child and start over (the server asked, or the tree broke). */
  reset(): void {
    this.parent?.close('distributed reset');
    for (const candidate of this.candidates.values()) candidate.connection.close('distributed reset');
    this.candidates.clear();
    for (const child of this.children.values()) child.close('distributed reset');
    this.children.clear();
    this.servedByServer = false;
    if (this.running) this.becomeRoot();
  }

  private async tryParent(username: string, ip: string, port: number): Promise<void> {
    if (username === this.self() || this.dialing.has(username) || this.candidates.has(username) || this.children.has(username)) return;
    // A second list can arrive while the first connection to this candidate is still being made.
    this.dialing.add(username);
    let connection: DistributedConnection;
    try {
      connection = await this.peers.distributedTo(username, ip, port);
    } catch (error) {
      this.options.logger.debug?.({ peer: username, err: (error as Error).message }, 'potential parent unreachable');
      return;
    } finally {
      this.dialing.delete(username);
    }
    if (!this.running || this.parent !== undefined) {
      connection.close('already have a parent');
      return;
    }
    const candidate: Candidate = { connection };
    this.candidates.set(username, candidate);
    connection.on('message', (m) => this.fromCandidate(candidate, m));
    connection.once('close', () => {
      if (this.candidates.get(username) === candidate) this.candidates.delete(username);
      if (this.parent === connection) this.parentLost();
    });
  }

  private fromCandidate(candidate: Candidate, message: DistributedMessage): void {
    const connection = candidate.connection;
    if (this.parent === connection) {
      this.fromParent(message);
      return;
    }
    if (message.name === 'DistributedBranchLevel') candidate.level = message.level;
    else if (message.name === 'DistributedBranchRoot') candidate.root = message.root;
    else return;
    // A root (level 0) may not send its root: it is its own.
    if (candidate.level === 0 && candidate.root === undefined) candidate.root = connection.username;
    if (candidate.level === undefined || candidate.root === undefined || this.parent !== undefined) return;
    if (candidate.level < 0 || candidate.root === '' || candidate.root === this.self()) {
      connection.close('unusable parent');
      return;
    }
    this.adoptParent(connection, candidate.level, candidate.root);
  }

  /** The first candidate that told us its level and root becomes the parent (aioslsk's rule). */
  private adoptParent(connection: DistributedConnection, level: number, root: string): void {
    this.parent = connection;
    this.candidates.delete(connection.username);
    for (const other of this.candidates.values()) other.connection.close('another parent was chosen');
    this.candidates.clear();
    this.servedByServer = false;
    this.branchLevel = level + 1;
    this.branchRoot = root;
    const server = this.hooks.server();
    server?.send({ name: 'ToggleParentSearch', enable: false });
    server?.send({ name: 'BranchRoot', username: root });
    server?.send({ name: 'BranchLevel', level: this.branchLevel });
    this.updateAccepting();
    this.tellChildren();
    this.options.logger.info?.({ parent: connection.username, level: this.branchLevel, root }, 'distributed parent adopted');
    this.hooks.changed(this.status());
  }

  private fromParent(message: DistributedMessage): void {
    switch (message.name) {
      case 'DistributedSearchRequest':
        this.onSearch(message.username, message.ticket, message.query);
        break;
      case 'DistributedServerSearchRequest':
        // Old SoulseekQt forwards the whole server message; unwrap it like any search.
        this.onSearch(message.username, message.ticket, message.query);
        break;
      case 'DistributedBranchLevel':
        if (message.level < 0) {
          this.parent?.close('negative branch level');
          return;
        }
        this.branchLevel = message.level + 1;
        this.hooks.server()?.send({ name: 'BranchLevel', level: this.branchLevel });
        this.tellChildren();
        this.hooks.changed(this.status());
        break;
      case 'DistributedBranchRoot':
        if (message.root === '' || message.root === this.self()) {
          this.parent?.close('unusable branch root');
          return;
        }
        this.branchRoot = message.root;
        this.hooks.server()?.send({ name: 'BranchRoot', username: this.branchRoot });
        this.tellChildren();
        this.hooks.changed(this.status());
        break;
      default:
    }
  }

  private parentLost(): void {
    this.options.logger.info?.({}, 'distributed parent lost, looking for another');
    // Children stay: they get searches again once we have a new parent.
    if (this.running) this.becomeRoot();
  }

  /** A D connection someone opened to us: a would-be child. */
  incoming(connection: DistributedConnection): void {
    const name = connection.username;
    const canServe = this.parent !== undefined || this.servedByServer;
    if (!this.running || !canServe || this.children.size >= this.childLimit() || this.children.has(name) || this.candidates.has(name) || this.parent?.username === name) {
      connection.close('not taking this child');
      return;
    }
    this.children.set(name, connection);
    connection.send({ name: 'DistributedBranchLevel', level: this.branchLevel });
    connection.send({ name: 'DistributedBranchRoot', root: this.branchRoot });
    connection.on('message', () => {
      // Children only listen; what they say (ChildDepth) needs no answer.
    });
    connection.once('close', () => {
      if (this.children.get(name) === connection) this.children.delete(name);
      this.updateAccepting();
      this.hooks.changed(this.status());
    });
    this.updateAccepting();
    this.hooks.changed(this.status());
  }

  private tellChildren(): void {
    if (this.children.size === 0) return;
    const level = encode('distributed', 'both', { name: 'DistributedBranchLevel', level: this.branchLevel });
    const root = encode('distributed', 'both', { name: 'DistributedBranchRoot', root: this.branchRoot });
    for (const child of this.children.values()) {
      child.sendFrame(level);
      child.sendFrame(root);
    }
  }

  private onSearch(username: string, ticket: number, query: string): void {
    const key = `${username}\u0000${ticket}\u0000${query}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    if (this.seen.size > this.options.limits.seenSearches) this.seen.delete(this.seen.values().next().value!);
    if (this.children.size > 0) {
      const frame = encode('distributed', 'both', {
        name: 'DistributedSearchRequest',
        unknown: DISTRIBUTED_SEARCH_UNKNOWN,
        username,
        ticket,
        query,
      });
      for (const child of this.children.values()) child.sendFrame(frame);
    }
    if (username !== this.self()) this.hooks.search({ username, ticket, query });
  }
}
