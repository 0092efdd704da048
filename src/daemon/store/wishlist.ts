// The wishlist: searches the daemon runs again on a timer, optionally downloading what they find.

import { randomUUID } from 'node:crypto';
import { checkText, DaemonStoreError } from './errors.ts';
import { int, optionalInt, text, type Row, type StoreDatabase } from './database.ts';
import { MAX_QUERY_LENGTH } from './migrations.ts';

export interface WishlistItem {
  id: string;
  query: string;
  /** Result filter text ('' for none). */
  filter: string;
  enabled: boolean;
  autoDownload: boolean;
  lastRunAt: number | undefined;
  addedAt: number;
}

export type WishlistChanges = Partial<Pick<WishlistItem, 'query' | 'filter' | 'enabled' | 'autoDownload' | 'lastRunAt'>>;

function toItem(row: Row): WishlistItem {
  return {
    id: text(row['id']),
    query: text(row['query']),
    filter: text(row['filter']),
    enabled: int(row['enabled']) === 1,
    autoDownload: int(row['auto_download']) === 1,
    lastRunAt: optionalInt(row['last_run_at']),
    addedAt: int(row['added_at']),
  };
}

export class Wishlist {
  readonly #db: StoreDatabase;
  readonly #maxItems: number;
  readonly #now: () => number;

  constructor(db: StoreDatabase, maxItems: number, now: () => number) {
    this.#db = db;
    this.#maxItems = maxItems;
    this.#now = now;
  }

  add(input: { query: string; filter?: string; enabled?: boolean; autoDownload?: boolean }): WishlistItem {
    const item: WishlistItem = {
      id: randomUUID(),
      query: checkText('query', input.query, MAX_QUERY_LENGTH),
      filter: checkText('filter', input.filter ?? '', MAX_QUERY_LENGTH, { allowEmpty: true }),
      enabled: input.enabled ?? true,
      autoDownload: input.autoDownload ?? false,
      lastRunAt: undefined,
      addedAt: this.#now(),
    };
    this.#db.transaction(1, () => {
      const count = int(this.#db.get('SELECT count(*) AS n FROM wishlist')?.['n']);
      if (count >= this.#maxItems) {
        throw new DaemonStoreError('FULL', `the wishlist holds ${this.#maxItems} items, its limit; remove one first`);
      }
      this.#db.run(
        'INSERT INTO wishlist (id, query, filter, enabled, auto_download, last_run_at, added_at) VALUES (?, ?, ?, ?, ?, NULL, ?)',
        item.id, item.query, item.filter, item.enabled ? 1 : 0, item.autoDownload ? 1 : 0, item.addedAt,
      );
    });
    return item;
  }

  get(id: string): WishlistItem {
    const row = this.#db.get('SELECT * FROM wishlist WHERE id = ?', id);
    if (row === undefined) throw new DaemonStoreError('NOT_FOUND', `there is no wishlist item ${JSON.stringify(id)}; list the wishlist for the ids`);
    return toItem(row);
  }

  update(id: string, changes: WishlistChanges): WishlistItem {
    const next = { ...this.get(id), ...changes };
    checkText('query', next.query, MAX_QUERY_LENGTH);
    checkText('filter', next.filter, MAX_QUERY_LENGTH, { allowEmpty: true });
    this.#db.run(
      'UPDATE wishlist SET query = ?, filter = ?, enabled = ?, auto_download = ?, last_run_at = ? WHERE id = ?',
      next.query, next.filter, next.enabled ? 1 : 0, next.autoDownload ? 1 : 0, next.lastRunAt ?? null, id,
    );
    return next;
  }

  remove(id: string): boolean {
    return this.#db.run('DELETE FROM wishlist WHERE id = ?', id).changes > 0;
  }

  /** Every item, oldest first (the list is bounded by maxItems). */
  list(): WishlistItem[] {
    return this.#db.all('SELECT * FROM wishlist ORDER BY added_at, id').map(toItem);
  }
}
