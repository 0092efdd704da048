// The routes of our own social lists: buddies (with notes and their status), ignored users, our
// interests and what the server recommends from them. Spread into the route table in routes.ts.
// Imports only typebox: the browser client imports the table.

import { Type, type Static } from 'typebox';
import { route } from './route.ts';
import { Presence, Username } from './user-routes.ts';

/** As UserLists stores them (MAX_BUDDY_NOTE_LENGTH). */
export const MAX_NOTE_LENGTH = 1000;
/** As the store keeps them (store/interests.ts MAX_INTEREST_LENGTH; this file imports only typebox). */
export const MAX_INTEREST_LENGTH = 200;

const BuddyParams = Type.Object({ username: Username });
const Note = Type.String({ maxLength: MAX_NOTE_LENGTH, description: 'Your own words about the buddy' });

export const BuddyJson = Type.Object(
  {
    username: Type.String(),
    note: Type.String(),
    addedAt: Type.String({ format: 'date-time' }),
    status: Type.Union([Presence, Type.Literal('unknown')], { description: "'unknown' until the server has told us (just after login)" }),
    privileged: Type.Optional(Type.Boolean()),
  },
  { title: 'Buddy' },
);
export type BuddyJson = Static<typeof BuddyJson>;

export const IgnoredUserJson = Type.Object({ username: Type.String(), addedAt: Type.String({ format: 'date-time' }) }, { title: 'IgnoredUser' });

export const InterestListsJson = Type.Object({ liked: Type.Array(Type.String()), hated: Type.Array(Type.String()) }, { title: 'Interests' });

const Recommendation = Type.Object({ item: Type.String(), score: Type.Number() });
export const RecommendationsJson = Type.Object(
  { recommendations: Type.Array(Recommendation), unrecommendations: Type.Array(Recommendation, { description: 'Items with negative scores, most disliked first' }) },
  { title: 'Recommendations' },
);

export const SimilarUserJson = Type.Object({ username: Type.String(), rating: Type.Number({ description: 'How much its taste overlaps ours, as the server rates it' }) }, { title: 'SimilarUser' });

const Item = Type.String({ minLength: 1, maxLength: MAX_INTEREST_LENGTH, description: 'The item, e.g. jazz' });

const InterestParams = Type.Object({
  kind: Type.Union([Type.Literal('liked'), Type.Literal('hated')]),
  item: Item,
});

export const socialRoutes = {
  buddies: route({
    method: 'GET',
    path: '/api/v1/buddies',
    access: 'read',
    summary: 'Our buddies with their notes and status (buddies are watched: their changes arrive as userStatus events)',
    responses: { 200: Type.Array(BuddyJson) },
  }),
  addBuddy: route({
    method: 'PUT',
    path: '/api/v1/buddies/:username',
    access: 'write',
    summary: 'Add a buddy (or set the note of one already added); buddies may open folders shared with buddies only',
    params: BuddyParams,
    body: Type.Object({ note: Type.Optional(Note) }, { additionalProperties: false }),
    responses: { 200: BuddyJson },
  }),
  setBuddyNote: route({
    method: 'PATCH',
    path: '/api/v1/buddies/:username',
    access: 'write',
    summary: "Change a buddy's note (404 when not a buddy)",
    params: BuddyParams,
    body: Type.Object({ note: Note }, { additionalProperties: false }),
    responses: { 200: BuddyJson },
  }),
  removeBuddy: route({
    method: 'DELETE',
    path: '/api/v1/buddies/:username',
    access: 'write',
    summary: 'Remove a buddy (404 when not a buddy)',
    params: BuddyParams,
    responses: { 204: Type.Null() },
  }),
  ignoredUsers: route({
    method: 'GET',
    path: '/api/v1/ignored',
    access: 'read',
    summary: 'Ignored users: their messages, searches, browses and transfer requests are dropped',
    responses: { 200: Type.Array(IgnoredUserJson) },
  }),
  ignoreUser: route({
    method: 'PUT',
    path: '/api/v1/ignored/:username',
    access: 'write',
    summary: 'Ignore a user (again is no error)',
    params: BuddyParams,
    responses: { 200: IgnoredUserJson },
  }),
  unignoreUser: route({
    method: 'DELETE',
    path: '/api/v1/ignored/:username',
    access: 'write',
    summary: 'Stop ignoring a user (404 when not ignored)',
    params: BuddyParams,
    responses: { 204: Type.Null() },
  }),
  interests: route({
    method: 'GET',
    path: '/api/v1/interests',
    access: 'read',
    summary: 'Our liked and hated items (told to the server at every login)',
    responses: { 200: InterestListsJson },
  }),
  addInterest: route({
    method: 'PUT',
    path: '/api/v1/interests/:kind/:item',
    access: 'write',
    summary: 'Like (kind liked) or hate (kind hated) an item; an item is in one list at most',
    params: InterestParams,
    responses: { 200: InterestListsJson },
  }),
  removeInterest: route({
    method: 'DELETE',
    path: '/api/v1/interests/:kind/:item',
    access: 'write',
    summary: 'Take an item out of our liked or hated list (404 when it is not there)',
    params: InterestParams,
    responses: { 200: InterestListsJson },
  }),
  recommendations: route({
    method: 'GET',
    path: '/api/v1/recommendations',
    access: 'read',
    summary: 'Items liked by users who share our interests, minus what we hate (from the server)',
    responses: { 200: RecommendationsJson },
  }),
  globalRecommendations: route({
    method: 'GET',
    path: '/api/v1/recommendations/global',
    access: 'read',
    summary: "The network's ranking of liked and hated items, whatever our interests",
    responses: { 200: RecommendationsJson },
  }),
  similarUsers: route({
    method: 'GET',
    path: '/api/v1/similar-users',
    access: 'read',
    summary: 'Users whose interests overlap ours',
    responses: { 200: Type.Array(SimilarUserJson) },
  }),
  itemRecommendations: route({
    method: 'GET',
    path: '/api/v1/items/:item/recommendations',
    access: 'read',
    summary: 'What users who like an item also like (from the server)',
    params: Type.Object({ item: Item }),
    responses: { 200: RecommendationsJson },
  }),
  itemSimilarUsers: route({
    method: 'GET',
    path: '/api/v1/items/:item/similar-users',
    access: 'read',
    summary: 'Users who like an item (from the server)',
    params: Type.Object({ item: Item }),
    responses: { 200: Type.Array(Type.String()) },
  }),
} as const;
