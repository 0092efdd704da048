// InterestIndex on a small data set whose every score is worked out by hand in the comments, plus
// the list limits, the moves between lists and the bounded top-k selection.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  best,
  GLOBAL_RECOMMENDATIONS_LIMIT,
  InterestIndex,
  normalizeInterest,
  RECOMMENDATIONS_LIMIT,
  SIMILAR_USERS_LIMIT,
} from '../../src/server/recommendations.ts';
import { mulberry32 } from '../support/seeded-random.ts';

// The data set, s_u(i): +1 liked, −1 hated, blank not listed.
//
//   item     alice  bob  carol  dave  erin
//   jazz       +1    +1    +1          −1
//   blues      +1    +1    −1
//   rock       +1                +1
//   metal            −1    +1    +1
//   noise            −1                −1
function sample(): InterestIndex {
  return InterestIndex.from([
    { username: 'alice', item: 'jazz', hated: false },
    { username: 'alice', item: 'blues', hated: false },
    { username: 'alice', item: 'rock', hated: false },
    { username: 'bob', item: 'jazz', hated: false },
    { username: 'bob', item: 'blues', hated: false },
    { username: 'bob', item: 'metal', hated: true },
    { username: 'bob', item: 'noise', hated: true },
    { username: 'carol', item: 'jazz', hated: false },
    { username: 'carol', item: 'metal', hated: false },
    { username: 'carol', item: 'blues', hated: true },
    { username: 'dave', item: 'rock', hated: false },
    { username: 'dave', item: 'metal', hated: false },
    { username: 'erin', item: 'jazz', hated: true },
    { username: 'erin', item: 'noise', hated: true },
  ]);
}

const scored = (...pairs: [string, number][]) => pairs.map(([item, score]) => ({ item, score }));

describe('InterestIndex on the hand-computed data set', () => {
  test('global: likers minus haters, highest first, ties by name; negatives lowest first', () => {
    // jazz 3 − 1 = 2, rock 2 − 0 = 2, blues 2 − 1 = 1, metal 2 − 1 = 1, noise 0 − 2 = −2.
    assert.deepEqual(sample().globalRecommendations(), {
      recommendations: scored(['jazz', 2], ['rock', 2], ['blues', 1], ['metal', 1]),
      unrecommendations: scored(['noise', -2]),
    });
  });

  test('similar users: agreements minus disagreements, only positive', () => {
    // alice·bob = jazz 1 + blues 1 = 2; alice·carol = jazz 1 + blues −1 = 0; alice·dave = rock 1;
    // alice·erin = jazz −1. Carol (0) and erin (−1) are left out.
    assert.deepEqual(sample().similarUsers('alice'), [
      { username: 'bob', score: 2 },
      { username: 'dave', score: 1 },
    ]);
    // dave·alice = rock 1; dave·bob = metal −1; dave·carol = metal 1; dave·erin = 0.
    assert.deepEqual(sample().similarUsers('dave'), [
      { username: 'alice', score: 1 },
      { username: 'carol', score: 1 },
    ]);
    assert.deepEqual(sample().similarUsers('nobody'), []);
  });

  test('personal: items the user does not list, weighted by similarity', () => {
    // dave's weights: alice 1, bob −1, carol 1, erin 0. Items dave does not list: jazz, blues, noise.
    //   jazz  = alice 1·1 + bob (−1)·1 + carol 1·1          = 1
    //   blues = alice 1·1 + bob (−1)·1 + carol 1·(−1)       = −1
    //   noise = bob (−1)·(−1) + erin 0·(−1)                 = 1 (hated by someone unlike dave)
    assert.deepEqual(sample().recommendations('dave'), {
      recommendations: scored(['jazz', 1], ['noise', 1]),
      unrecommendations: scored(['blues', -1]),
    });
    // alice's weights: bob 2, carol 0, dave 1, erin −1. Items alice does not list: metal, noise.
    //   metal = bob 2·(−1) + carol 0·1 + dave 1·1           = −1
    //   noise = bob 2·(−1) + erin (−1)·(−1)                 = −1
    assert.deepEqual(sample().recommendations('alice'), {
      recommendations: [],
      unrecommendations: scored(['metal', -1], ['noise', -1]),
    });
    assert.deepEqual(sample().recommendations('nobody'), { recommendations: [], unrecommendations: [] });
  });

  test('item: Σ over users of s_u(x)·s_u(j), zeros dropped', () => {
    // x = jazz (alice +1, bob +1, carol +1, erin −1):
    //   blues = 1 + 1 + (−1) + 0 = 1; rock = 1; metal = bob −1 + carol 1 = 0; noise = bob −1 + erin 1 = 0.
    assert.deepEqual(sample().itemRecommendations('jazz'), {
      recommendations: scored(['blues', 1], ['rock', 1]),
      unrecommendations: [],
    });
    // x = metal (bob −1, carol +1, dave +1):
    //   jazz = bob −1 + carol 1 = 0; blues = bob −1 + carol −1 = −2; rock = dave 1; noise = bob (−1)(−1) = 1.
    assert.deepEqual(sample().itemRecommendations('metal'), {
      recommendations: scored(['noise', 1], ['rock', 1]),
      unrecommendations: scored(['blues', -2]),
    });
    assert.deepEqual(sample().itemRecommendations('polka'), { recommendations: [], unrecommendations: [] });
  });

  test('item similar users: who likes the item, by name, without the asker', () => {
    assert.deepEqual(sample().itemSimilarUsers('jazz'), ['alice', 'bob', 'carol']);
    assert.deepEqual(sample().itemSimilarUsers('jazz', 'alice'), ['bob', 'carol']);
    // Haters do not count: only erin and bob list noise, both hating it.
    assert.deepEqual(sample().itemSimilarUsers('noise'), []);
  });

  test('related searches: the query\'s items are seeds, their item scores add up, positives only', () => {
    // "Blues  and METAL" → blues, and, metal; the spans that are items: blues, metal.
    //   item scores of blues (alice +1, bob +1, carol −1): jazz 1 + 1 − 1 = 1, rock 1, metal −2, noise −1.
    //   item scores of metal (above): jazz 0, blues −2, rock 1, noise 1.
    //   totals without the seeds: rock 1 + 1 = 2, jazz 1 + 0 = 1, noise −1 + 1 = 0 (dropped).
    assert.deepEqual(sample().relatedSearches('Blues  and METAL'), scored(['rock', 2], ['jazz', 1]));
    assert.deepEqual(sample().relatedSearches('nothing known here'), []);
    assert.deepEqual(sample().relatedSearches(''), []);
  });

  test('a span of several words is an item too', () => {
    const index = InterestIndex.from([
      { username: 'u1', item: 'drum and bass', hated: false },
      { username: 'u1', item: 'jungle', hated: false },
    ]);
    assert.deepEqual(index.relatedSearches('best drum and bass mixes'), scored(['jungle', 1]));
  });
});

describe('InterestIndex updates', () => {
  test('adding to the other list moves the item; removing takes it off that list only', () => {
    const index = sample();
    assert.deepEqual(index.interestsOf('alice'), { liked: ['jazz', 'blues', 'rock'], hated: [] });
    index.add('alice', 'jazz', true);
    assert.deepEqual(index.interestsOf('alice'), { liked: ['blues', 'rock'], hated: ['jazz'] });
    // jazz is now liked by bob and carol, hated by alice and erin: 2 − 2 = 0, so it leaves the list.
    assert.deepEqual(index.globalRecommendations().recommendations, scored(['rock', 2], ['blues', 1], ['metal', 1]));
    assert.equal(index.remove('alice', 'jazz', false), false, 'not on the liked list any more');
    assert.equal(index.remove('alice', 'jazz', true), true);
    assert.deepEqual(index.interestsOf('alice'), { liked: ['blues', 'rock'], hated: [] });
    // jazz: 2 likers − 1 hater = 1, tied with blues and metal, so by name.
    assert.deepEqual(index.globalRecommendations().recommendations, scored(['rock', 2], ['blues', 1], ['jazz', 1], ['metal', 1]));
  });

  test('forgetUser drops every item of the user from every answer', () => {
    const index = sample();
    index.forgetUser('bob');
    assert.deepEqual(index.interestsOf('bob'), { liked: [], hated: [] });
    assert.deepEqual(index.similarUsers('alice'), [{ username: 'dave', score: 1 }]);
    assert.deepEqual(index.itemSimilarUsers('jazz'), ['alice', 'carol']);
    // noise is now hated by erin alone.
    assert.deepEqual(index.globalRecommendations().unrecommendations, scored(['noise', -1]));
  });

  test('normalizeInterest trims, folds inner spaces and lower-cases', () => {
    assert.equal(normalizeInterest('  Drum \t and   BASS '), 'drum and bass');
    assert.equal(normalizeInterest('   '), '');
  });
});

describe('InterestIndex limits', () => {
  test('global and personal lists are cut to their limits, the best kept', () => {
    const rows = [];
    // 250 items liked by one user each, and "top" liked by all of them.
    for (let i = 0; i < 250; i++) {
      const username = `user${String(i).padStart(3, '0')}`;
      rows.push({ username, item: `item${String(i).padStart(3, '0')}`, hated: false }, { username, item: 'top', hated: false });
    }
    const index = InterestIndex.from(rows);
    const global = index.globalRecommendations().recommendations;
    assert.equal(global.length, GLOBAL_RECOMMENDATIONS_LIMIT);
    assert.deepEqual(global[0], { item: 'top', score: 250 });
    assert.deepEqual(global[1], { item: 'item000', score: 1 });
    assert.deepEqual(global.at(-1), { item: 'item198', score: 1 });
    // user000 shares "top" with 249 others (weight 1 each), each bringing one item of its own.
    const personal = index.recommendations('user000').recommendations;
    assert.equal(personal.length, RECOMMENDATIONS_LIMIT);
    assert.deepEqual(personal[0], { item: 'item001', score: 1 });
    assert.equal(index.similarUsers('user000').length, SIMILAR_USERS_LIMIT);
  });

  test('best() keeps the same items as a full sort would', () => {
    const random = mulberry32(6);
    const values = Array.from({ length: 2000 }, () => Math.floor(random() * 500));
    const compare = (a: number, b: number): number => b - a;
    for (const limit of [0, 1, 7, 100, 2000, 3000]) {
      assert.deepEqual(best(values, limit, compare), [...values].sort(compare).slice(0, limit), `limit ${limit}`);
    }
  });
});
