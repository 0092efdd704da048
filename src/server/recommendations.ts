// Interests and recommendations, computed in memory from every user's liked and hated lists. No I/O:
// the server fills an InterestIndex from the store at start and updates it after each stored change.
//
// Whose interests count: every user with stored interests, online or not. docs/flows.md says soulfind
// counts only online users; we follow the issue instead, because the lists are kept across
// restarts anyway and a small server's recommendations would otherwise vanish whenever its few
// users log off. (An account deleted while the server runs leaves the index through forgetUser.)
//
// Scoring. Write s_u(i) = +1 when user u likes item i, −1 when u hates it, 0 otherwise.
// - Global:      score(i) = Σ_u s_u(i), one point per user liking i, minus one per user hating it.
// - Similarity:  w(u, v) = Σ_i s_u(i)·s_v(i) = agreements − disagreements: items both like or both
//                hate count +1, items one likes and the other hates −1. GetSimilarUsers lists the
//                users with w(u, v) > 0, rated by w.
// - Personal:    score_u(i) = Σ_{v ≠ u} w(u, v)·s_v(i), for items i not on u's lists: liked by
//                users like u → up, hated by them → down (and the reverse for users unlike u).
// - Item:        score_x(j) = Σ_u s_u(x)·s_u(j), for j ≠ x: items co-liked with x score up, items
//                hated by people who like x (or liked by people who hate x) score down.
// - Related:     the query's word spans that are items (the seeds) add up their item scores; the
//                seeds themselves are left out and only positive totals count.
// These are soulfind's formulas, over all stored users. Recommendations are the positive scores,
// highest first; unrecommendations the negative ones, lowest first. Ties go by name (code-unit
// order), so every list is deterministic. Lists are cut to the limits below with a bounded heap,
// never a sort of every candidate.

import type { InterestLists, StoredInterest } from './store/store.ts';

/** GetRecommendations: at most this many of each list (MESSAGES.rst, docs/flows.md §7). */
export const RECOMMENDATIONS_LIMIT = 100;
/** GetGlobalRecommendations: at most this many of each list (docs/flows.md §7). */
export const GLOBAL_RECOMMENDATIONS_LIMIT = 200;
export const SIMILAR_USERS_LIMIT = 100;
export const ITEM_RECOMMENDATIONS_LIMIT = 100;
export const ITEM_SIMILAR_USERS_LIMIT = 100;
/** A client shows related searches as a short row of suggestions. */
export const RELATED_SEARCHES_LIMIT = 20;
/** Words of a query looked at for related searches, and the longest span tried as an item (code units; an item is ≤ 64 code points). */
const QUERY_WORDS_LIMIT = 64;
const SPAN_LENGTH_LIMIT = 128;

export interface Scored {
  item: string;
  score: number;
}

export interface Ranked {
  /** Positive scores, highest first. */
  recommendations: Scored[];
  /** Negative scores, lowest first. */
  unrecommendations: Scored[];
}

export interface SimilarUser {
  username: string;
  score: number;
}

/** One spelling per interest: surrounding spaces dropped, inner runs of spaces made one, lower case (as soulfind does). */
export function normalizeInterest(raw: string): string {
  return raw.trim().replace(/\s+/g, ' ').toLowerCase();
}

interface Lists {
  liked: Set<string>;
  hated: Set<string>;
}

export class InterestIndex {
  readonly #users = new Map<string, Lists>();
  readonly #likers = new Map<string, Set<string>>();
  readonly #haters = new Map<string, Set<string>>();
  /** GetGlobalRecommendations walks every item: computed once per change, not per request. */
  #global: Ranked | undefined;

  /** An index of stored rows, each user's items in the order added. */
  static from(rows: Iterable<StoredInterest>): InterestIndex {
    const index = new InterestIndex();
    for (const row of rows) index.add(row.username, row.item, row.hated);
    return index;
  }

  /** Puts `item` on the user's liked or hated list, taking it off the other one (as the store does). */
  add(username: string, item: string, hated: boolean): void {
    let lists = this.#users.get(username);
    if (lists === undefined) {
      lists = { liked: new Set(), hated: new Set() };
      this.#users.set(username, lists);
    }
    const [to, from] = hated ? [lists.hated, lists.liked] : [lists.liked, lists.hated];
    if (to.has(item)) return;
    if (from.delete(item)) unlink(hated ? this.#likers : this.#haters, item, username);
    to.add(item);
    link(hated ? this.#haters : this.#likers, item, username);
    this.#global = undefined;
  }

  /** Takes `item` off that one list; false when it was not on it. */
  remove(username: string, item: string, hated: boolean): boolean {
    const lists = this.#users.get(username);
    if (lists === undefined || !(hated ? lists.hated : lists.liked).delete(item)) return false;
    unlink(hated ? this.#haters : this.#likers, item, username);
    if (lists.liked.size === 0 && lists.hated.size === 0) this.#users.delete(username);
    this.#global = undefined;
    return true;
  }

  /** Drops every interest of a user (an account deleted while the server runs). */
  forgetUser(username: string): void {
    const lists = this.#users.get(username);
    if (lists === undefined) return;
    for (const item of [...lists.liked]) this.remove(username, item, false);
    for (const item of [...lists.hated]) this.remove(username, item, true);
  }

  /** GetUserInterests and GetInterests: a user's lists in the order added; empty for a user with none. */
  interestsOf(username: string): InterestLists {
    const lists = this.#users.get(username);
    return { liked: [...(lists?.liked ?? [])], hated: [...(lists?.hated ?? [])] };
  }

  /** GetGlobalRecommendations: score(i) = likers − haters. */
  globalRecommendations(): Ranked {
    this.#global ??= rank(this.#globalScores(), GLOBAL_RECOMMENDATIONS_LIMIT);
    return this.#global;
  }

  /** GetRecommendations: score_u(i) = Σ w(u, v)·s_v(i) over items u does not list. */
  recommendations(username: string): Ranked {
    const own = this.#users.get(username);
    if (own === undefined) return { recommendations: [], unrecommendations: [] };
    const scores = new Map<string, number>();
    for (const [other, weight] of this.#similarity(username, own)) {
      if (weight === 0) continue;
      const theirs = this.#users.get(other)!;
      for (const item of theirs.liked) if (!own.liked.has(item) && !own.hated.has(item)) addTo(scores, item, weight);
      for (const item of theirs.hated) if (!own.liked.has(item) && !own.hated.has(item)) addTo(scores, item, -weight);
    }
    return rank(scores, RECOMMENDATIONS_LIMIT);
  }

  /** GetSimilarUsers: users with w(u, v) > 0, the most similar first. */
  similarUsers(username: string): SimilarUser[] {
    const own = this.#users.get(username);
    if (own === undefined) return [];
    const similar = function* (weights: Map<string, number>): Iterable<SimilarUser> {
      for (const [other, score] of weights) if (score > 0) yield { username: other, score };
    };
    return best(similar(this.#similarity(username, own)), SIMILAR_USERS_LIMIT, (a, b) => b.score - a.score || byName(a.username, b.username));
  }

  /** GetItemRecommendations: score_x(j) = Σ_u s_u(x)·s_u(j) for j ≠ x. `item` should be normalised. */
  itemRecommendations(item: string): Ranked {
    return rank(this.#itemScores(item), ITEM_RECOMMENDATIONS_LIMIT);
  }

  /** GetItemSimilarUsers: the users who like `item`, by name, leaving out the asker. */
  itemSimilarUsers(item: string, asker?: string): string[] {
    const likers = this.#likers.get(item) ?? new Set<string>();
    const others = function* (): Iterable<string> {
      for (const name of likers) if (name !== asker) yield name;
    };
    return best(others(), ITEM_SIMILAR_USERS_LIMIT, byName);
  }

  /**
   * GetRelatedSearches: the word spans of the query that are items someone lists are the seeds;
   * each other item scores the sum of its item scores against the seeds, positive totals only.
   */
  relatedSearches(query: string): Scored[] {
    const words = normalizeInterest(query).split(' ').slice(0, QUERY_WORDS_LIMIT);
    const seeds = new Set<string>();
    for (let start = 0; start < words.length; start++) {
      let span = '';
      for (let end = start; end < words.length; end++) {
        span = end === start ? words[start]! : `${span} ${words[end]!}`;
        if (span.length > SPAN_LENGTH_LIMIT) break;
        if (this.#likers.has(span) || this.#haters.has(span)) seeds.add(span);
      }
    }
    const totals = new Map<string, number>();
    for (const seed of seeds) for (const [item, score] of this.#itemScores(seed)) addTo(totals, item, score);
    for (const seed of seeds) totals.delete(seed);
    return rank(totals, RELATED_SEARCHES_LIMIT).recommendations;
  }

  /** w(u, v) for every v sharing an item with u, found through the items rather than by walking all users. */
  #similarity(username: string, own: Lists): Map<string, number> {
    const weights = new Map<string, number>();
    for (const item of own.liked) {
      for (const other of this.#likers.get(item) ?? []) addTo(weights, other, 1);
      for (const other of this.#haters.get(item) ?? []) addTo(weights, other, -1);
    }
    for (const item of own.hated) {
      for (const other of this.#haters.get(item) ?? []) addTo(weights, other, 1);
      for (const other of this.#likers.get(item) ?? []) addTo(weights, other, -1);
    }
    weights.delete(username);
    return weights;
  }

  #itemScores(item: string): Map<string, number> {
    const scores = new Map<string, number>();
    const count = (users: Set<string> | undefined, sign: number): void => {
      for (const name of users ?? []) {
        const lists = this.#users.get(name)!;
        for (const other of lists.liked) addTo(scores, other, sign);
        for (const other of lists.hated) addTo(scores, other, -sign);
      }
    };
    count(this.#likers.get(item), 1);
    count(this.#haters.get(item), -1);
    scores.delete(item);
    return scores;
  }

  #globalScores(): Map<string, number> {
    const scores = new Map<string, number>();
    for (const [item, users] of this.#likers) scores.set(item, users.size);
    for (const [item, users] of this.#haters) addTo(scores, item, -users.size);
    return scores;
  }
}

function link(map: Map<string, Set<string>>, item: string, username: string): void {
  let users = map.get(item);
  if (users === undefined) {
    users = new Set();
    map.set(item, users);
  }
  users.add(username);
}

/** Removes the user, and the item's entry once nobody lists it, so the maps hold only live items. */
function unlink(map: Map<string, Set<string>>, item: string, username: string): void {
  const users = map.get(item);
  if (users === undefined) return;
  users.delete(username);
  if (users.size === 0) map.delete(item);
}

function addTo(map: Map<string, number>, key: string, amount: number): void {
  map.set(key, (map.get(key) ?? 0) + amount);
}

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const highestFirst = (a: Scored, b: Scored): number => b.score - a.score || byName(a.item, b.item);
const lowestFirst = (a: Scored, b: Scored): number => a.score - b.score || byName(a.item, b.item);

/** Positive scores as recommendations, negative ones as unrecommendations, zeros dropped. */
function rank(scores: Map<string, number>, limit: number): Ranked {
  const withSign = function* (sign: number): Iterable<Scored> {
    for (const [item, score] of scores) if (Math.sign(score) === sign) yield { item, score };
  };
  return {
    recommendations: best(withSign(1), limit, highestFirst),
    unrecommendations: best(withSign(-1), limit, lowestFirst),
  };
}

/**
 * The `limit` first of `items` in `compare` order, sorted. A heap holding the worst kept item at
 * its root: O(n log limit), so 300,000 candidate items cost a pass, not a full sort.
 */
export function best<T>(items: Iterable<T>, limit: number, compare: (a: T, b: T) => number): T[] {
  const heap: T[] = [];
  const worse = (i: number, j: number): boolean => compare(heap[i]!, heap[j]!) > 0;
  const swap = (i: number, j: number): void => {
    [heap[i], heap[j]] = [heap[j]!, heap[i]!];
  };
  for (const item of items) {
    if (heap.length < limit) {
      heap.push(item);
      for (let i = heap.length - 1; i > 0; ) {
        const parent = (i - 1) >> 1;
        if (!worse(i, parent)) break;
        swap(i, parent);
        i = parent;
      }
    } else if (limit > 0 && compare(item, heap[0]!) < 0) {
      heap[0] = item;
      for (let i = 0; ; ) {
        const left = 2 * i + 1;
        const right = left + 1;
        let worst = i;
        if (left < heap.length && worse(left, worst)) worst = left;
        if (right < heap.length && worse(right, worst)) worst = right;
        if (worst === i) break;
        swap(i, worst);
        i = worst;
      }
    }
  }
  return heap.sort(compare);
}
