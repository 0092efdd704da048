// Our interests (items we like and hate), kept so that a restarted daemon tells the server the same
// lists again: the client only remembers them while it runs. An item is in one list at most (the
// server moves it too); lists are returned in the order items were added.

import { checkText, DaemonStoreError } from './errors.ts';
import { int, text, type StoreDatabase } from './database.ts';

export type InterestKind = 'liked' | 'hated';

/** Interests are short words or names; the bound keeps what we send at every login small. */
export const MAX_INTEREST_LENGTH = 200;
/** Items per list. */
export const MAX_INTERESTS_PER_LIST = 500;

export class InterestsStore {
  readonly #db: StoreDatabase;
  readonly #maxItems: number;
  readonly #now: () => number;

  constructor(db: StoreDatabase, maxItems: number, now: () => number) {
    this.#db = db;
    this.#maxItems = maxItems;
    this.#now = now;
  }

  list(): { liked: string[]; hated: string[] } {
    const lists = { liked: [] as string[], hated: [] as string[] };
    for (const row of this.#db.all('SELECT item, kind FROM interests ORDER BY added_at, rowid')) (text(row['kind']) === 'hated' ? lists.hated : lists.liked).push(text(row['item']));
    return lists;
  }

  /** Adds `item` to a list (moving it out of the other); throws FULL when that list is at its bound. */
  add(kind: InterestKind, item: string): void {
    checkText('interest', item, MAX_INTEREST_LENGTH);
    this.#db.transaction(1, () => {
      const current = this.#db.get('SELECT kind FROM interests WHERE item = ?', item);
      if (current !== undefined && text(current['kind']) === kind) return;
      const count = int(this.#db.get('SELECT count(*) AS n FROM interests WHERE kind = ?', kind)?.['n']);
      if (count >= this.#maxItems) throw new DaemonStoreError('FULL', `the ${kind} list holds ${this.#maxItems} items, its limit; remove one first`);
      // A moved item goes to the end of its new list: deleted and inserted again, so its rowid (the
      // tie-break within one millisecond) is new as well as its time.
      if (current !== undefined) this.#db.run('DELETE FROM interests WHERE item = ?', item);
      this.#db.run('INSERT INTO interests (item, kind, added_at) VALUES (?, ?, ?)', item, kind, this.#now());
    });
  }

  /** False when `item` was not in that list. */
  remove(kind: InterestKind, item: string): boolean {
    return this.#db.transaction(1, () => this.#db.run('DELETE FROM interests WHERE item = ? AND kind = ?', item, kind).changes > 0);
  }
}
