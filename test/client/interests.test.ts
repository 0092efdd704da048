// Interests from the client's side: adding and removing liked and hated items, the lists sent again
// after a reconnect, and every recommendation request answered with what the server computed —
// on a small data set worked out by hand (the formulas are in src/server/recommendations.ts).

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ClientError, type Client } from '../../src/client/index.ts';
import { startServer, type TestServer } from '../server/harness.ts';
import { syncWithServer } from './helpers-events.ts';
import { loggedIn, nextEvent } from './helpers.ts';

describe('interests and recommendations', () => {
  let s: TestServer;
  let ann: Client;
  let ben: Client;
  let cat: Client;
  before(async () => {
    s = await startServer();
    ann = await loggedIn(s.port, 'in-ann', { reconnect: { enabled: true, initialDelayMs: 20, maxDelayMs: 50 } });
    ben = await loggedIn(s.port, 'in-ben');
    cat = await loggedIn(s.port, 'in-cat');
    // The data set:     likes               hates
    //   in-ann          jazz, blues         metal
    //   in-ben          jazz, blues, soul   metal, noise
    //   in-cat          jazz, metal         blues
    for (const item of ['jazz', 'blues']) ann.addInterest(item);
    ann.addHatedInterest('metal');
    for (const item of ['jazz', 'blues', 'soul']) ben.addInterest(item);
    for (const item of ['metal', 'noise']) ben.addHatedInterest(item);
    for (const item of ['jazz', 'metal']) cat.addInterest(item);
    cat.addHatedInterest('blues');
    await Promise.all([ann, ben, cat].map(syncWithServer));
  });
  after(async () => {
    await Promise.all([ann, ben, cat].map((client) => client.close()));
    await s.close();
  });

  test('each user\'s lists, as the server has them', async () => {
    assert.deepEqual(await ann.userInterests('in-ben'), { username: 'in-ben', liked: ['jazz', 'blues', 'soul'], hated: ['metal', 'noise'] });
    assert.deepEqual(await ben.userInterests('in-ann'), { username: 'in-ann', liked: ['jazz', 'blues'], hated: ['metal'] });
    assert.deepEqual(await ann.userInterests('in-nobody'), { username: 'in-nobody', liked: [], hated: [] });
    assert.deepEqual(ann.interests, { liked: ['jazz', 'blues'], hated: ['metal'] });
  });

  test('global: one point per user liking an item, minus one per user hating it', async () => {
    // jazz 3; blues 2 − 1; soul 1; metal 1 − 2; noise −1. Ties by name.
    const expected = {
      recommendations: [
        { item: 'jazz', score: 3 },
        { item: 'blues', score: 1 },
        { item: 'soul', score: 1 },
      ],
      unrecommendations: [
        { item: 'metal', score: -1 },
        { item: 'noise', score: -1 },
      ],
    };
    assert.deepEqual(await ann.globalRecommendations(), expected);
    assert.deepEqual(await cat.globalRecommendations(), expected);
  });

  test('personal: items of similar users that we do not list, and who those users are', async () => {
    // w(ann, ben) = jazz + blues + metal = 3; w(ann, cat) = jazz − blues − metal = −1.
    // Not on ann's lists: soul (ben likes it: +3) and noise (ben hates it: −3).
    assert.deepEqual(await ann.recommendations(), { recommendations: [{ item: 'soul', score: 3 }], unrecommendations: [{ item: 'noise', score: -3 }] });
    assert.deepEqual(await ann.similarUsers(), [{ username: 'in-ben', rating: 3 }]);
    // w(cat, ann) = −1, w(cat, ben) = jazz − blues − metal = −1: nobody is like cat, and what
    // unlike users like scores down.
    assert.deepEqual(await cat.similarUsers(), []);
    assert.deepEqual(await cat.recommendations(), { recommendations: [{ item: 'noise', score: 1 }], unrecommendations: [{ item: 'soul', score: -1 }] });
  });

  test('by item: what those who like it also like, who likes it, and related searches', async () => {
    // Everyone likes jazz: blues 1 + 1 − 1, soul 1, metal −1 − 1 + 1, noise −1.
    assert.deepEqual(await ann.itemRecommendations('jazz'), {
      recommendations: [
        { item: 'blues', score: 1 },
        { item: 'soul', score: 1 },
      ],
      unrecommendations: [
        { item: 'metal', score: -1 },
        { item: 'noise', score: -1 },
      ],
    });
    // The asker is left out.
    assert.deepEqual(await ann.itemSimilarUsers('jazz'), ['in-ben', 'in-cat']);
    assert.deepEqual(await ann.itemSimilarUsers('soul'), ['in-ben']);
    assert.deepEqual(await ann.itemSimilarUsers('polka'), []);
    assert.deepEqual(await ann.relatedSearches('jazz'), ['blues', 'soul']);
    assert.deepEqual(await ann.relatedSearches('nothing known'), []);
    // The server compares items in lower case; the reply still answers our request.
    assert.deepEqual(await ann.itemSimilarUsers('SOUL'), ['in-ben']);
  });

  test('what the server computed, request by request', async () => {
    const index = s.server.core.interests;
    assert.deepEqual(await ben.recommendations(), {
      recommendations: index.recommendations('in-ben').recommendations,
      unrecommendations: index.recommendations('in-ben').unrecommendations,
    });
    assert.deepEqual(
      (await ben.similarUsers()).map((u) => ({ username: u.username, score: u.rating })),
      index.similarUsers('in-ben'),
    );
    assert.deepEqual(await ben.itemRecommendations('metal'), index.itemRecommendations('metal'));
  });

  test('hating a liked item moves it; removing takes it off; bad items are refused', async () => {
    ben.addHatedInterest('soul');
    assert.deepEqual(ben.interests, { liked: ['jazz', 'blues'], hated: ['metal', 'noise', 'soul'] });
    await syncWithServer(ben);
    assert.deepEqual(await ann.userInterests('in-ben'), { username: 'in-ben', liked: ['jazz', 'blues'], hated: ['metal', 'noise', 'soul'] });
    ben.removeHatedInterest('soul');
    ben.addInterest('soul');
    ben.removeInterest('blues');
    await syncWithServer(ben);
    assert.deepEqual(await ann.userInterests('in-ben'), { username: 'in-ben', liked: ['jazz', 'soul'], hated: ['metal', 'noise'] });
    ben.addInterest('blues');
    await syncWithServer(ben);
    assert.throws(() => ben.addInterest('  '), (error: unknown) => error instanceof ClientError && error.code === 'INVALID_INTEREST');
    assert.throws(() => ben.removeHatedInterest(''), (error: unknown) => error instanceof ClientError && error.code === 'INVALID_INTEREST');
  });

  test('changes made while disconnected reach the server at the next login', async () => {
    const disconnected = nextEvent(ann, 'disconnected');
    const reconnected = new Promise<void>((resolve) => {
      ann.once('disconnected', () => {
        // Offline: remembered, and told at the next login.
        ann.removeInterest('blues');
        ann.addInterest('ska');
        ann.once('loggedIn', () => resolve());
      });
    });
    s.server.core.network.online.get('in-ann')!.link.close('test: dropped');
    assert.equal((await disconnected).willReconnect, true);
    await reconnected;
    await syncWithServer(ann);
    assert.deepEqual(await ben.userInterests('in-ann'), { username: 'in-ann', liked: ['jazz', 'ska'], hated: ['metal'] });
    assert.deepEqual(ann.interests, { liked: ['jazz', 'ska'], hated: ['metal'] });
  });
});
