// Deprecated and defunct messages old clients still send, and those whose behaviour arrives with a
// later issue (private rooms, tickers, interests, privilege gifts, admin commands). Each is parsed
// and either answered the way soulfind answers obsolete requests (an empty reply) or ignored.

import { serverResponse } from '../../protocol/index.ts';
import type { ActiveContext, Handler } from './context.ts';

/** Parsed, logged at debug level, otherwise ignored. */
export function ignoredHandler(ctx: ActiveContext, message: { name: string }): void {
  ctx.session.log.debug({ user: ctx.user.username, message: message.name }, 'ignored message');
}

export const sendConnectTicket: Handler<'SendConnectTicket'> = ({ core, user }, m) => {
  // The predecessor of ConnectToPeer: relayed to the target with the sender's name.
  core.network.online.get(m.username)?.send(serverResponse.SendConnectTicket({ username: user.username, ticket: m.ticket }));
};

export const getRecommendations: Handler<'GetRecommendations'> = ({ user }) => {
  user.send(serverResponse.GetRecommendations({ recommendations: [], unrecommendations: [] }));
};

export const getGlobalRecommendations: Handler<'GetGlobalRecommendations'> = ({ user }) => {
  user.send(serverResponse.GetGlobalRecommendations({ recommendations: [], unrecommendations: [] }));
};

export const getUserInterests: Handler<'GetUserInterests'> = ({ user }, m) => {
  user.send(serverResponse.GetUserInterests({ username: m.username, interests: [], hatedInterests: [] }));
};

export const getSimilarUsers: Handler<'GetSimilarUsers'> = ({ user }) => {
  user.send(serverResponse.GetSimilarUsers({ users: [] }));
};

export const getItemRecommendations: Handler<'GetItemRecommendations'> = ({ user }, m) => {
  user.send(serverResponse.GetItemRecommendations({ item: m.item, recommendations: [] }));
};

export const getItemSimilarUsers: Handler<'GetItemSimilarUsers'> = ({ user }, m) => {
  user.send(serverResponse.GetItemSimilarUsers({ item: m.item, username: [] }));
};

export const getInterests: Handler<'GetInterests'> = ({ user }) => {
  user.send(serverResponse.GetInterests({ interest: [] }));
};

export const deprecatedGetItemRecommendations: Handler<'DeprecatedGetItemRecommendations'> = ({ user }, m) => {
  user.send(serverResponse.DeprecatedGetItemRecommendations({ item: m.item, recommendation: [] }));
};

export const getRelatedSearches: Handler<'GetRelatedSearches'> = ({ user }, m) => {
  user.send(serverResponse.GetRelatedSearches({ query: m.query, relatedSearches: [] }));
};
