// Searches we make: a ticket per search, replies streamed as they arrive (events and an async
// iterable), and an end on timeout, on a result limit, or when aborted.

import { EventEmitter } from 'node:events';
import type { PeerMessageOf } from '../protocol/index.ts';
import { toSharedFile, type SharedFile } from '../model/files.ts';

export type SearchScope =
  | { kind: 'network' }
  | { kind: 'room'; room: string }
  | { kind: 'user'; username: string }
  | { kind: 'wishlist' };

export interface SearchOptions {
  /** How long to collect replies (default: the client's searchMs). */
  timeoutMs?: number;
  /** Stop after this many files (default: the client's maxSearchResults). */
  maxResults?: number;
  signal?: AbortSignal;
  /** Where to search (default the whole network). */
  scope?: SearchScope;
}

/** One user's reply to a search. */
export interface SearchResponse {
  username: string;
  ticket: number;
  /** Files, locked ones (buddies only) marked `locked`. */
  files: SharedFile[];
  slotsFree: boolean;
  /** The user's average upload speed, bytes/s. */
  avgSpeed: number;
  queueLength: number;
}

export type SearchEnd = 'timeout' | 'limit' | 'aborted' | 'stopped' | 'disconnected';

interface SearchEvents {
  response: [response: SearchResponse];
  end: [reason: SearchEnd];
}

export class Search extends EventEmitter<SearchEvents> implements AsyncIterable<SearchResponse> {
  readonly query: string;
  readonly ticket: number;
  readonly scope: SearchScope;
  readonly responses: SearchResponse[] = [];
  fileCount = 0;
  endReason: SearchEnd | undefined;
  /** Resolves with every response once the search ends. */
  readonly done: Promise<SearchResponse[]>;
  private readonly maxResults: number;
  private readonly timer: NodeJS.Timeout;
  private resolveDone!: (responses: SearchResponse[]) => void;
  private readonly onEnd: (search: Search) => void;
  private readonly signal: AbortSignal | undefined;
  private readonly onAbort = () => this.finish('aborted');
  /** (user, file) pairs already reported: a peer reached twice (server and distributed parent) answers twice. */
  private readonly reported = new Set<string>();

  constructor(init: { query: string; ticket: number; scope: SearchScope; timeoutMs: number; maxResults: number; signal?: AbortSignal; onEnd: (search: Search) => void }) {
    super();
    this.query = init.query;
    this.ticket = init.ticket;
    this.scope = init.scope;
    this.maxResults = init.maxResults;
    this.onEnd = init.onEnd;
    this.signal = init.signal;
    this.done = new Promise((resolve) => {
      this.resolveDone = resolve;
    });
    this.timer = setTimeout(() => this.finish('timeout'), init.timeoutMs);
    this.signal?.addEventListener('abort', this.onAbort, { once: true });
    if (this.signal?.aborted) queueMicrotask(() => this.finish('aborted'));
  }

  get ended(): boolean {
    return this.endReason !== undefined;
  }

  /** Ends the search now. */
  stop(): void {
    this.finish('stopped');
  }

  /** A PeerSearchReply for our ticket, from the peer on the other end of a P connection. */
  accept(from: string, reply: PeerMessageOf<'PeerSearchReply'>): void {
    if (this.ended) return;
    const room = this.maxResults - this.fileCount;
    const files: SharedFile[] = [];
    for (const [list, locked] of [[reply.results, false], [reply.lockedResults ?? [], true]] as const) {
      for (const data of list) {
        if (files.length >= room) break;
        // A NUL cannot occur in a username, so the pair is unambiguous.
        const key = `${from}\0${data.filename}`;
        if (this.reported.has(key)) continue;
        this.reported.add(key);
        files.push(toSharedFile(data, locked));
      }
    }
    if (files.length === 0) return;
    const response: SearchResponse = {
      username: from,
      ticket: reply.ticket,
      files,
      slotsFree: reply.hasSlotsFree,
      avgSpeed: reply.avgSpeed,
      queueLength: reply.queueSize,
    };
    this.responses.push(response);
    this.fileCount += files.length;
    this.emit('response', response);
    if (this.fileCount >= this.maxResults) this.finish('limit');
  }

  finish(reason: SearchEnd): void {
    if (this.ended) return;
    this.endReason = reason;
    clearTimeout(this.timer);
    this.signal?.removeEventListener('abort', this.onAbort);
    this.onEnd(this);
    this.emit('end', reason);
    this.resolveDone(this.responses);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<SearchResponse> {
    let index = 0;
    while (true) {
      while (index < this.responses.length) yield this.responses[index++]!;
      if (this.ended) return;
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.off('response', wake);
          this.off('end', wake);
          resolve();
        };
        this.on('response', wake);
        this.on('end', wake);
      });
    }
  }
}
