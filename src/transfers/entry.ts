// A transfer as the manager keeps it while it is live (not finished): what is stored in SQLite,
// plus the runtime fields (its current attempt, progress figures). Conversions to the stored row
// and to the Transfer snapshot applications see.

import { randomUUID } from 'node:crypto';
import type { Attempt } from './attempt.ts';
import type { TransferRow } from './store.ts';
import type { TransferState } from './states.ts';
import type { Transfer } from './types.ts';

/** What an entry keeps of its stored row: every field, with the sizes as numbers to count with. */
type StoredFields = Omit<TransferRow, 'size' | 'bytes'> & { size: number | undefined; bytes: number };

export interface Entry extends StoredFields {
  // ---- runtime only
  offset: number;
  speed: number;
  place: number | undefined;
  /** The try on its way now, if any; see attempt.ts. */
  attempt: Attempt | undefined;
  /** Queue order (uploads). */
  order: number;
  /** Upload: not started again before this time. */
  notBefore: number;
  /** Backoff step for "still queued" refusals (not limited by maxAttempts). */
  queuedRetries: number;
  /** Download: wait for login before asking the peer. */
  waitingLogin: boolean;
  progressAt: number;
  progressBytes: number;
  startedAt: number;
  startBytes: number;
  /** Download: the current F connection's work; the next one waits for it (the partial file must be complete). */
  io: Promise<void>;
}

export type NewEntry = Pick<Entry, 'direction' | 'username' | 'filename' | 'size' | 'state'> & Partial<Entry>;

/** Finished: completed, cancelled, or failed with no retry planned. Finished entries leave the live structures. */
export const isFinished = (e: { state: TransferState; retryAt: number | undefined }): boolean =>
  e.state === 'completed' || e.state === 'cancelled' || (e.state === 'failed' && e.retryAt === undefined);

export function newEntry(fields: NewEntry, now: number, order: number): Entry {
  return {
    id: randomUUID(),
    bytes: 0,
    offset: 0,
    speed: 0,
    reason: undefined,
    place: undefined,
    attempts: 0,
    retryAt: undefined,
    localPath: undefined,
    destination: undefined,
    incompletePath: undefined,
    legacy: false,
    createdAt: now,
    updatedAt: now,
    finishedAt: undefined,
    attempt: undefined,
    order,
    notBefore: 0,
    queuedRetries: 0,
    waitingLogin: false,
    progressAt: 0,
    progressBytes: 0,
    startedAt: 0,
    startBytes: 0,
    io: Promise.resolve(),
    ...fields,
  };
}

export function entryFromRow(row: TransferRow, order: number): Entry {
  const e = newEntry(
    {
      direction: row.direction,
      username: row.username,
      filename: row.filename,
      size: row.size === undefined ? undefined : Number(row.size),
      state: row.state,
    },
    row.createdAt,
    order,
  );
  return Object.assign(e, {
    id: row.id,
    bytes: Number(row.bytes),
    offset: Number(row.bytes),
    reason: row.reason,
    attempts: row.attempts,
    retryAt: row.retryAt,
    localPath: row.localPath,
    destination: row.destination,
    incompletePath: row.incompletePath,
    legacy: row.legacy,
    updatedAt: row.updatedAt,
    finishedAt: row.finishedAt,
  });
}

/** The fields the stored row and the applications' snapshot both carry (the destination is the row's own: the snapshot has it only when set). */
type SharedFields = Pick<TransferRow, Exclude<keyof TransferRow & keyof Transfer, 'destination'>>;

/** An entry's shared fields, with the sizes as bigint again. */
function sharedFields(e: Entry): SharedFields {
  return {
    id: e.id,
    direction: e.direction,
    username: e.username,
    filename: e.filename,
    size: e.size === undefined ? undefined : BigInt(e.size),
    bytes: BigInt(e.bytes),
    state: e.state,
    reason: e.reason,
    attempts: e.attempts,
    retryAt: e.retryAt,
    localPath: e.localPath,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
    finishedAt: e.finishedAt,
  };
}

export function rowOf(e: Entry): TransferRow {
  return { ...sharedFields(e), destination: e.destination, incompletePath: e.incompletePath, legacy: e.legacy };
}

export function snapshotOf(e: Entry): Transfer {
  const remaining = e.size === undefined ? undefined : e.size - e.bytes;
  return {
    ...sharedFields(e),
    offset: BigInt(e.offset),
    speed: e.speed,
    eta: remaining === undefined || e.speed <= 0 ? undefined : remaining / e.speed,
    place: e.place,
    ...(e.direction === 'download' && e.destination !== undefined ? { destination: e.destination } : {}),
  };
}

/** A finished transfer straight from its stored row (it is no longer live). */
export function snapshotOfRow(row: TransferRow): Transfer {
  return snapshotOf(entryFromRow(row, 0));
}
