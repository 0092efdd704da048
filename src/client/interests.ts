// Interests: the things we like and hate, which the server keeps to recommend items and users with
// similar taste. The client remembers its own lists and tells the server again after every login,
// as Nicotine+ does, so a server that lost them (or a reconnect) leaves nothing behind.

import { ClientError } from './errors.ts';
import type { ServerLink } from './server-link.ts';

/** An item and its score: the sum of +1 per user who likes it and −1 per user who hates it. */
export interface Recommendation {
  item: string;
  score: number;
}

export interface Recommendations {
  recommendations: Recommendation[];
  /** Items with negative scores, most disliked first. */
  unrecommendations: Recommendation[];
}

export interface UserInterests {
  username: string;
  liked: string[];
  hated: string[];
}

export interface SimilarUser {
  username: string;
  /** How much the user's taste overlaps ours, as the server rates it. */
  rating: number;
}

type Signal = { signal?: AbortSignal };

/** The link to the server, or a NotConnectedError naming `what`. */
type RequireLink = (what: string) => ServerLink;

const toRecommendation = (entry: { recommendation: string; score: number }): Recommendation => ({ item: entry.recommendation, score: entry.score });
const toUnrecommendation = (entry: { unrecommendation: string; score: number }): Recommendation => ({ item: entry.unrecommendation, score: entry.score });

function checkItem(item: string): void {
  if (typeof item !== 'string' || item.trim() === '') throw new ClientError('INVALID_INTEREST', `an interest must be a non-empty text, got ${JSON.stringify(item)}`);
}

export class Interests {
  private readonly likedItems = new Set<string>();
  private readonly hatedItems = new Set<string>();
  /**
   * Removed while offline: the server keeps interests across sessions, so it still has these until
   * it is told at the next login. Item → whether it was in the hated list.
   */
  private readonly removedOffline = new Map<string, boolean>();
  private readonly link: () => ServerLink | undefined;
  private readonly requireLink: RequireLink;

  constructor(link: () => ServerLink | undefined, requireLink: RequireLink) {
    this.link = link;
    this.requireLink = requireLink;
  }

  get liked(): readonly string[] {
    return [...this.likedItems];
  }

  get hated(): readonly string[] {
    return [...this.hatedItems];
  }

  /** Adds to one list; an item is never in both (the server moves it too). Sent now, or at login. */
  add(item: string, hated: boolean): void {
    checkItem(item);
    (hated ? this.likedItems : this.hatedItems).delete(item);
    (hated ? this.hatedItems : this.likedItems).add(item);
    this.removedOffline.delete(item);
    this.link()?.send(hated ? { name: 'AddHatedInterest', hatedInterest: item } : { name: 'AddInterest', interest: item });
  }

  remove(item: string, hated: boolean): void {
    checkItem(item);
    (hated ? this.hatedItems : this.likedItems).delete(item);
    const link = this.link();
    if (link === undefined || link.closed) this.removedOffline.set(item, hated);
    else link.send(removal(item, hated));
  }

  /** After a login: removals made while offline, then both lists. */
  announce(link: ServerLink): void {
    for (const [item, hated] of this.removedOffline) link.send(removal(item, hated));
    this.removedOffline.clear();
    for (const item of this.likedItems) link.send({ name: 'AddInterest', interest: item });
    for (const item of this.hatedItems) link.send({ name: 'AddHatedInterest', hatedInterest: item });
  }

  async userInterests(username: string, options: Signal = {}): Promise<UserInterests> {
    const reply = await this.requireLink('user interests').lookup({ name: 'GetUserInterests', username }, 'GetUserInterests', options.signal);
    return { username, liked: reply.interests, hated: reply.hatedInterests };
  }

  /** Items liked by users who share our likes, minus what we hate (the server's personal list). */
  async recommendations(options: Signal = {}): Promise<Recommendations> {
    const reply = await this.requireLink('recommendations').sendAndWait({ name: 'GetRecommendations' }, 'GetRecommendations', () => true, options.signal);
    return { recommendations: reply.recommendations.map(toRecommendation), unrecommendations: reply.unrecommendations.map(toUnrecommendation) };
  }

  /** The ranking of every item online users like or hate, whatever our own interests. */
  async globalRecommendations(options: Signal = {}): Promise<Recommendations> {
    const reply = await this.requireLink('global recommendations').sendAndWait(
      { name: 'GetGlobalRecommendations' },
      'GetGlobalRecommendations',
      () => true,
      options.signal,
    );
    return { recommendations: reply.recommendations.map(toRecommendation), unrecommendations: reply.unrecommendations.map(toRecommendation) };
  }

  async similarUsers(options: Signal = {}): Promise<SimilarUser[]> {
    const reply = await this.requireLink('similar users').sendAndWait({ name: 'GetSimilarUsers' }, 'GetSimilarUsers', () => true, options.signal);
    return reply.users.map((user) => ({ username: user.username, rating: user.similarInterestsAmount }));
  }

  /** What users who like `item` also like. */
  async itemRecommendations(item: string, options: Signal = {}): Promise<Recommendations> {
    checkItem(item);
    const reply = await this.requireLink('item recommendations').sendAndWait(
      { name: 'GetItemRecommendations', item },
      'GetItemRecommendations',
      (m) => sameItem(m, item),
      options.signal,
    );
    return {
      recommendations: reply.recommendations.map(toRecommendation),
      unrecommendations: (reply.unrecommendations ?? []).map(toUnrecommendation),
    };
  }

  /** Users who like `item`. */
  async itemSimilarUsers(item: string, options: Signal = {}): Promise<string[]> {
    checkItem(item);
    const reply = await this.requireLink('item similar users').sendAndWait(
      { name: 'GetItemSimilarUsers', item },
      'GetItemSimilarUsers',
      (m) => sameItem(m, item),
      options.signal,
    );
    return reply.username;
  }

  /** Searches related to `query` (servers today answer with none). */
  async relatedSearches(query: string, options: Signal = {}): Promise<string[]> {
    const reply = await this.requireLink('related searches').sendAndWait(
      { name: 'GetRelatedSearches', query },
      'GetRelatedSearches',
      (m) => m.query === query,
      options.signal,
    );
    return reply.relatedSearches;
  }
}

const removal = (item: string, hated: boolean) =>
  hated ? ({ name: 'RemoveHatedInterest', hatedInterest: item } as const) : ({ name: 'RemoveInterest', interest: item } as const);

/** The reply names the item it is for; a server may have normalised its case. */
const sameItem = (reply: { item: string }, item: string): boolean =>
  reply.item === item || reply.item.toLowerCase() === item.toLowerCase();
