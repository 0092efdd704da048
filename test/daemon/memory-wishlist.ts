// An in-memory WishlistService for the HTTP tests: items in an array, runs started on the fixture's
// MemorySearches, the same typed errors as DaemonWishlist (bad filter, unknown id, a full list).

import { randomUUID } from 'node:crypto';
import type { WishlistService } from '../../src/daemon/http/services.ts';
import { compileSearchFilter } from '../../src/daemon/search-filter.ts';
import { DaemonStoreError } from '../../src/daemon/store/errors.ts';
import type { WishlistItem } from '../../src/daemon/store/index.ts';
import type { WishlistInput, WishlistRun, WishlistUpdate } from '../../src/daemon/wishlist.ts';
import type { MemorySearches } from './memory-searches.ts';

export class MemoryWishlist implements WishlistService {
  readonly items: WishlistItem[] = [];
  readonly #searches: MemorySearches;
  readonly #running = new Map<string, string>();
  maxItems = 3;

  constructor(searches: MemorySearches) {
    this.#searches = searches;
  }

  list(): WishlistItem[] {
    return this.items.map((item) => ({ ...item }));
  }
  add(input: WishlistInput): WishlistItem {
    if (input.filter !== undefined && input.filter.trim() !== '') compileSearchFilter(input.filter);
    if (this.items.length >= this.maxItems) throw new DaemonStoreError('FULL', `the wishlist holds ${this.maxItems} items, its limit; remove one first`);
    const item: WishlistItem = {
      id: randomUUID(),
      query: input.query,
      filter: input.filter?.trim() ?? '',
      enabled: input.enabled ?? true,
      autoDownload: input.autoDownload ?? false,
      lastRunAt: undefined,
      addedAt: Date.UTC(2026, 0, 1) + this.items.length,
    };
    this.items.push(item);
    return { ...item };
  }
  #find(id: string): WishlistItem {
    const item = this.items.find((i) => i.id === id);
    if (item === undefined) throw new DaemonStoreError('NOT_FOUND', `there is no wishlist item "${id}"; list the wishlist for the ids`);
    return item;
  }
  update(id: string, changes: WishlistUpdate): WishlistItem {
    const item = this.#find(id);
    if (changes.filter !== undefined && changes.filter.trim() !== '') compileSearchFilter(changes.filter);
    if (changes.query !== undefined) item.query = changes.query;
    if (changes.filter !== undefined) item.filter = changes.filter.trim();
    if (changes.enabled !== undefined) item.enabled = changes.enabled;
    if (changes.autoDownload !== undefined) item.autoDownload = changes.autoDownload;
    return { ...item };
  }
  remove(id: string): boolean {
    const at = this.items.findIndex((i) => i.id === id);
    if (at < 0) return false;
    this.items.splice(at, 1);
    return true;
  }
  runNow(id: string): WishlistRun {
    const item = this.#find(id);
    const running = this.#running.get(id);
    if (running !== undefined && this.#searches.get(running).state === 'in-progress') return { item: { ...item }, search: this.#searches.get(running) };
    const search = this.#searches.start({ query: item.query, ...(item.filter === '' ? {} : { filter: item.filter }) });
    this.#running.set(id, search.id);
    item.lastRunAt = Date.UTC(2026, 0, 2);
    return { item: { ...item }, search };
  }
}
