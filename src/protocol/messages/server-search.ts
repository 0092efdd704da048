// Server messages: searches, the distributed network's server side, interests and privileges.

import { DecodeError } from '../errors.ts';
import { array, arrayCodec, bool, int32, ip, optional, string, struct, uint32, uint64, uint8, type Codec } from '../layout.ts';
import { serverMessage } from './define.ts';

const strings = array(string);
const scoredTerms = array(struct({ term: string, score: uint32 }));

/**
 * GetRelatedSearches reply: MESSAGES.rst and aioslsk send plain strings, Nicotine+ reads
 * (string, uint32 score) pairs (docs/interop.md). Read the listing's form, fall back to pairs (their
 * scores are dropped), write the listing's form.
 */
const relatedSearches: Codec<string[]> = arrayCodec(
  string,
  (r) => {
    const start = r.pos;
    try {
      const terms = strings.read(r);
      if (r.remaining === 0) return terms;
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
    }
    r.pos = start;
    return scoredTerms.read(r).map((entry) => entry.term);
  },
  (w, v) => strings.write(w, v),
);

const recommendation = struct({ recommendation: string, score: int32 });

export const searchMessages = {
  FileSearchRoom: serverMessage(25, {
    request: { ticket: uint32, roomId: uint32, query: string },
    status: 'defunct',
  }),
  FileSearch: serverMessage(26, {
    request: { ticket: uint32, query: string },
    response: { username: string, ticket: uint32, query: string },
  }),
  UserSearch: serverMessage(42, { request: { username: string, ticket: uint32, query: string } }),
  ExactFileSearch: serverMessage(65, {
    request: {
      ticket: uint32,
      filename: string,
      pathname: string,
      filesize: uint64,
      checksum: uint32,
      unknown: uint8,
    },
    // The listing ends with a uint8 here too, but no implementation reads or writes it (docs/interop.md).
    response: {
      username: string,
      ticket: uint32,
      filename: string,
      pathname: string,
      filesize: uint64,
      checksum: uint32,
      unknown: optional(uint8),
    },
    status: 'defunct',
  }),
  SearchInactivityTimeout: serverMessage(87, { response: { timeout: uint32 }, status: 'deprecated' }),
  WishlistSearch: serverMessage(103, { request: { ticket: uint32, query: string } }),
  WishlistInterval: serverMessage(104, { response: { interval: uint32 } }),
  RoomSearch: serverMessage(120, { request: { room: string, ticket: uint32, query: string } }),
  GetRelatedSearches: serverMessage(153, {
    request: { query: string },
    response: { query: string, relatedSearches },
    status: 'deprecated',
  }),
  ExcludedSearchPhrases: serverMessage(160, { response: { phrases: strings } }),
};

export const distributedServerMessages = {
  ToggleParentSearch: serverMessage(71, { request: { enable: bool } }),
  ParentIP: serverMessage(73, { request: { ipAddress: ip }, status: 'deprecated' }),
  ParentMinSpeed: serverMessage(83, { response: { parentMinSpeed: uint32 } }),
  ParentSpeedRatio: serverMessage(84, { response: { parentSpeedRatio: uint32 } }),
  ParentInactivityTimeout: serverMessage(86, { response: { timeout: uint32 }, status: 'deprecated' }),
  MinParentsInCache: serverMessage(88, { response: { amount: uint32 }, status: 'defunct' }),
  DistributionInterval: serverMessage(89, { response: { interval: uint32 }, status: 'defunct' }),
  DistributedAliveInterval: serverMessage(90, { response: { interval: uint32 }, status: 'deprecated' }),
  /** A search for a branch root to pass down its branch; the distributed code inside is a uint8. */
  ServerSearchRequest: serverMessage(93, {
    response: { distributedCode: uint8, unknown: uint32, username: string, ticket: uint32, query: string },
  }),
  AcceptChildren: serverMessage(100, { request: { accept: bool } }),
  PotentialParents: serverMessage(102, {
    response: { entries: array(struct({ username: string, ip, port: uint32 })) },
  }),
  BranchLevel: serverMessage(126, { request: { level: uint32 } }),
  BranchRoot: serverMessage(127, { request: { username: string } }),
  ResetDistributed: serverMessage(130, { response: {}, status: 'unknown' }),
};

export const interestMessages = {
  DeprecatedGetItemRecommendations: serverMessage(50, {
    request: { item: string },
    response: { item: string, recommendation: strings },
    status: 'defunct',
  }),
  // MESSAGES.rst lists the interest messages as Receive only; clients send them (docs/interop.md).
  AddInterest: serverMessage(51, {
    request: { interest: string },
    response: { interest: string },
    status: 'deprecated',
  }),
  RemoveInterest: serverMessage(52, {
    request: { interest: string },
    response: { interest: string },
    status: 'deprecated',
  }),
  GetRecommendations: serverMessage(54, {
    request: {},
    response: {
      recommendations: array(recommendation),
      unrecommendations: array(struct({ unrecommendation: string, score: int32 })),
    },
    status: 'deprecated',
  }),
  GetInterests: serverMessage(55, { request: {}, response: { interest: strings }, status: 'defunct' }),
  GetGlobalRecommendations: serverMessage(56, {
    request: {},
    response: { recommendations: array(recommendation), unrecommendations: array(recommendation) },
    status: 'deprecated',
  }),
  GetUserInterests: serverMessage(57, {
    request: { username: string },
    response: { username: string, interests: strings, hatedInterests: strings },
    status: 'deprecated',
  }),
  GetSimilarUsers: serverMessage(110, {
    request: {},
    response: { users: array(struct({ username: string, similarInterestsAmount: uint32 })) },
    status: 'deprecated',
  }),
  GetItemRecommendations: serverMessage(111, {
    request: { item: string },
    response: {
      item: string,
      recommendations: array(recommendation),
      /** Nicotine+ reads a second list when bytes remain (docs/interop.md). */
      unrecommendations: optional(array(struct({ unrecommendation: string, score: int32 }))),
    },
    status: 'deprecated',
  }),
  GetItemSimilarUsers: serverMessage(112, {
    request: { item: string },
    response: { item: string, username: strings },
  }),
  AddHatedInterest: serverMessage(117, {
    request: { hatedInterest: string },
    response: { hatedInterest: string },
    status: 'deprecated',
  }),
  RemoveHatedInterest: serverMessage(118, {
    request: { hatedInterest: string },
    response: { hatedInterest: string },
    status: 'deprecated',
  }),
};

export const privilegeMessages = {
  PrivilegedUsers: serverMessage(69, { response: { users: strings } }),
  // Listed as Send only, but only ever received (docs/interop.md); both parse.
  AddPrivilegedUser: serverMessage(91, { request: { username: string }, response: { username: string } }),
  CheckPrivileges: serverMessage(92, { request: {}, response: { timeLeft: uint32 } }),
  // The listing says the request carries nothing; every client sends the username (docs/interop.md).
  GetUserPrivileges: serverMessage(122, {
    request: { username: string },
    response: { username: string, privileged: bool },
  }),
  GiveUserPrivileges: serverMessage(123, { request: { username: string, days: uint32 } }),
  // The server notifies, the client acknowledges with the id.
  PrivilegesNotification: serverMessage(124, {
    request: { notificationId: uint32, username: string },
    response: { notificationId: uint32, username: string },
  }),
  PrivilegesNotificationAck: serverMessage(125, { request: { notificationId: uint32 } }),
};
