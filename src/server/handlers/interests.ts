// Interests and recommendations: users add and remove liked and hated items (stored, then put in
// the InterestIndex), and every recommendation request is answered from that index.

import { serverResponse } from '../../protocol/index.ts';
import type { ServerCore } from '../core.ts';
import type { OnlineUser } from '../network.ts';
import { normalizeInterest, type Ranked } from '../recommendations.ts';
import { INTEREST_LIST_LIMIT, INTEREST_MAX_LENGTH } from '../store/store.ts';
import type { Handler } from './context.ts';

/** Row overhead charged per stored interest besides its text. */
const INTEREST_ROW_BYTES = 48;

/** Stores first, so the index never holds what a restart would lose; refusals are server notices. */
async function addItem(core: ServerCore, user: OnlineUser, raw: string, hated: boolean): Promise<void> {
  const item = normalizeInterest(raw);
  const list = hated ? 'hated' : 'liked';
  if (item === '') return core.sendServerNotice(user, `An interest cannot be empty: nothing was added to your ${list} list.`);
  if (!core.chargeStorage(user, Buffer.byteLength(item) + INTEREST_ROW_BYTES, 'interest')) return;
  const result = await core.store.addInterest(user.username, item, hated);
  switch (result) {
    case 'added':
    case 'moved':
      core.interests.add(user.username, item, hated);
      return;
    case 'unchanged':
      return;
    case 'too-long':
      return core.sendServerNotice(user, `The interest "${[...item].slice(0, INTEREST_MAX_LENGTH).join('')}…" is too long: at most ${INTEREST_MAX_LENGTH} characters.`);
    case 'list-full':
      return core.sendServerNotice(user, `Your ${list} list already holds ${INTEREST_LIST_LIMIT} interests, the most this server keeps: remove one before adding "${item}".`);
  }
}

async function removeItem(core: ServerCore, user: OnlineUser, raw: string, hated: boolean): Promise<void> {
  const item = normalizeInterest(raw);
  // Not on the list (or empty): nothing to do, and nothing worth telling (clients remove freely).
  if (item === '' || !(await core.store.removeInterest(user.username, item, hated))) return;
  core.interests.remove(user.username, item, hated);
}

export const addInterest: Handler<'AddInterest'> = ({ core, user }, m) => addItem(core, user, m.interest, false);
export const removeInterest: Handler<'RemoveInterest'> = ({ core, user }, m) => removeItem(core, user, m.interest, false);
export const addHatedInterest: Handler<'AddHatedInterest'> = ({ core, user }, m) => addItem(core, user, m.hatedInterest, true);
export const removeHatedInterest: Handler<'RemoveHatedInterest'> = ({ core, user }, m) => removeItem(core, user, m.hatedInterest, true);

/** Anyone's lists, online or not, as the official server answers for any known user; empty for an unknown name. */
export const getUserInterests: Handler<'GetUserInterests'> = ({ core, user }, m) => {
  const { liked, hated } = core.interests.interestsOf(m.username);
  user.send(serverResponse.GetUserInterests({ username: m.username, interests: liked, hatedInterests: hated }));
};

/**
 * GetInterests was how old clients read back their own list at login. Answered from the index
 * (the liked list, which is all the reply can carry) rather than empty as soulfind does: it costs
 * nothing and is what the message asks for.
 */
export const getInterests: Handler<'GetInterests'> = ({ core, user }) => {
  user.send(serverResponse.GetInterests({ interest: core.interests.interestsOf(user.username).liked }));
};

const toWire = (ranked: Ranked) => ({
  recommendations: ranked.recommendations.map((s) => ({ recommendation: s.item, score: s.score })),
  unrecommendations: ranked.unrecommendations.map((s) => ({ unrecommendation: s.item, score: s.score })),
});

export const getRecommendations: Handler<'GetRecommendations'> = ({ core, user }) => {
  user.send(serverResponse.GetRecommendations(toWire(core.interests.recommendations(user.username))));
};

export const getGlobalRecommendations: Handler<'GetGlobalRecommendations'> = ({ core, user }) => {
  const ranked = core.interests.globalRecommendations();
  // The global reply names both lists' entries "recommendation".
  user.send(
    serverResponse.GetGlobalRecommendations({
      recommendations: ranked.recommendations.map((s) => ({ recommendation: s.item, score: s.score })),
      unrecommendations: ranked.unrecommendations.map((s) => ({ recommendation: s.item, score: s.score })),
    }),
  );
};

export const getSimilarUsers: Handler<'GetSimilarUsers'> = ({ core, user }) => {
  const users = core.interests.similarUsers(user.username).map((s) => ({ username: s.username, similarInterestsAmount: s.score }));
  user.send(serverResponse.GetSimilarUsers({ users }));
};

// The item replies echo the item exactly as asked, not normalised: clients match the reply to
// their request by it.

/**
 * The unrecommendations list goes only when it has entries: Nicotine+ reads it when bytes remain,
 * aioslsk and the listing know one list, so an empty one is left off rather than sent as a count.
 */
export const getItemRecommendations: Handler<'GetItemRecommendations'> = ({ core, user }, m) => {
  const { recommendations, unrecommendations } = toWire(core.interests.itemRecommendations(normalizeInterest(m.item)));
  user.send(
    serverResponse.GetItemRecommendations(
      unrecommendations.length === 0 ? { item: m.item, recommendations } : { item: m.item, recommendations, unrecommendations },
    ),
  );
};

/** The old form of GetItemRecommendations: the same list without scores. */
export const deprecatedGetItemRecommendations: Handler<'DeprecatedGetItemRecommendations'> = ({ core, user }, m) => {
  const ranked = core.interests.itemRecommendations(normalizeInterest(m.item));
  user.send(serverResponse.DeprecatedGetItemRecommendations({ item: m.item, recommendation: ranked.recommendations.map((s) => s.item) }));
};

export const getItemSimilarUsers: Handler<'GetItemSimilarUsers'> = ({ core, user }, m) => {
  user.send(serverResponse.GetItemSimilarUsers({ item: m.item, username: core.interests.itemSimilarUsers(normalizeInterest(m.item), user.username) }));
};

/**
 * Written in the listing's form (strings). A query longer than any search the server accepts gets
 * none; the index bounds the words it looks at and the list.
 */
export const getRelatedSearches: Handler<'GetRelatedSearches'> = ({ core, user }, m) => {
  const query = m.query.length > core.config.limits.maxQueryLength ? '' : m.query;
  user.send(serverResponse.GetRelatedSearches({ query: m.query, relatedSearches: core.interests.relatedSearches(query).map((s) => s.item) }));
};
