// The live uploads (queued or on their way; never finished ones), indexed so that a queue request
// costs the requesting user's live entries and nothing more: per user, their files by name and
// their totals (files, bytes) for the limits; the queued set for the serving order; the number of
// active uploads for the slots. Finished uploads leave the index; they live on in the store only.

import { serveOrder } from './queue.ts';
import { ACTIVE_STATES, type TransferState } from './states.ts';
import type { Entry } from './entry.ts';

interface UserQueue {
  /** Live uploads by file name: usually one; two while one is sent and the same file is queued again. */
  readonly files: Map<string, Entry[]>;
  count: number;
  bytes: number;
}

export class UploadQueue {
  private readonly users = new Map<string, UserQueue>();
  private readonly queued = new Set<Entry>();
  private readonly sizes = new Map<Entry, number>();
  private activeCount = 0;
  /** Entries looked at by lookups so far: tests and benchmarks read it to bound what a request costs. */
  scanned = 0;

  get size(): number {
    return this.sizes.size;
  }

  get active(): number {
    return this.activeCount;
  }

  has(e: Entry): boolean {
    return this.sizes.has(e);
  }

  all(): IterableIterator<Entry> {
    return this.sizes.keys();
  }

  add(e: Entry): void {
    if (this.sizes.has(e)) return;
    let user = this.users.get(e.username);
    if (user === undefined) {
      user = { files: new Map(), count: 0, bytes: 0 };
      this.users.set(e.username, user);
    }
    const list = user.files.get(e.filename);
    if (list === undefined) user.files.set(e.filename, [e]);
    else list.push(e);
    const size = e.size ?? 0;
    this.sizes.set(e, size);
    user.count++;
    user.bytes += size;
    this.track(e, undefined, e.state);
  }

  remove(e: Entry): void {
    const size = this.sizes.get(e);
    if (size === undefined) return;
    this.sizes.delete(e);
    this.track(e, e.state, undefined);
    const user = this.users.get(e.username)!;
    user.count--;
    user.bytes -= size;
    const list = user.files.get(e.filename)!.filter((other) => other !== e);
    if (list.length === 0) user.files.delete(e.filename);
    else user.files.set(e.filename, list);
    if (user.count === 0) this.users.delete(e.username);
  }

  /** Call after an entry's state changed, with the state before. */
  stateChanged(e: Entry, previous: TransferState): void {
    if (this.sizes.has(e)) this.track(e, previous, e.state);
  }

  /** Call after an entry's size changed (the file on disk is not what it was when queued). */
  resized(e: Entry): void {
    const before = this.sizes.get(e);
    if (before === undefined) return;
    const size = e.size ?? 0;
    this.sizes.set(e, size);
    this.users.get(e.username)!.bytes += size - before;
  }

  private track(e: Entry, from: TransferState | undefined, to: TransferState | undefined): void {
    if (from === 'queued') this.queued.delete(e);
    if (to === 'queued') this.queued.add(e);
    this.activeCount += Number(to !== undefined && ACTIVE_STATES.has(to)) - Number(from !== undefined && ACTIVE_STATES.has(from));
  }

  /** What `username` has in the queue (queued and active): for the per-user limits. */
  totals(username: string): { files: number; bytes: number } {
    const user = this.users.get(username);
    return { files: user?.count ?? 0, bytes: user?.bytes ?? 0 };
  }

  /** The upload of this file to this user waiting in the queue, or offered and waiting for the reply. */
  waiting(username: string, filename: string): Entry | undefined {
    for (const e of this.users.get(username)?.files.get(filename) ?? []) {
      this.scanned++;
      if (e.state === 'queued' || e.state === 'requesting') return e;
    }
    return undefined;
  }

  /** Queued uploads in serving order (queue.ts). */
  order(isPrivileged: (username: string) => boolean, lastServed: ReadonlyMap<string, number>): Entry[] {
    return serveOrder(this.queued, isPrivileged, lastServed);
  }

  clear(): void {
    this.users.clear();
    this.queued.clear();
    this.sizes.clear();
    this.activeCount = 0;
  }
}
