// Interests against a live server with several users: adding and removing liked and hated items,
// every recommendation request answered from them (the data set of recommendations.test.ts, whose
// numbers are worked out there), each refusal, and the lists surviving a restart.

import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { INTEREST_LIST_LIMIT } from '../../src/server/store/store.ts';
import { RawClient, startServer, tempDir } from './harness.ts';
import { expectNotice } from './server-notice.ts';

const folders: string[] = [];
after(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

type Lists = { liked?: string[]; hated?: string[] };

/** Logs everyone in and sends their lists; resolves once the server has stored them all. */
async function loginWith<K extends string>(port: number, likes: Record<K, Lists>): Promise<Record<K, RawClient>> {
  const clients = {} as Record<K, RawClient>;
  for (const [name, { liked = [], hated = [] }] of Object.entries(likes) as [K, Lists][]) {
    const client = await RawClient.login(port, name);
    for (const interest of liked) client.send({ name: 'AddInterest', interest });
    for (const hatedInterest of hated) client.send({ name: 'AddHatedInterest', hatedInterest });
    await client.sync();
    clients[name] = client;
  }
  return clients;
}

const closeAll = (clients: Record<string, RawClient>) => Promise.all(Object.values(clients).map((c) => c.close()));

describe('interests', () => {
  test('add, move, remove and read back, normalised; anyone may read anyone\'s lists', async () => {
    const s = await startServer();
    try {
      const { ann, ben } = await loginWith(s.port, { ann: { liked: ['  Free   JAZZ ', 'ambient', 'dub'], hated: ['Polka'] }, ben: {} });
      ben.send({ name: 'GetUserInterests', username: 'ann' });
      assert.deepEqual(await ben.next('GetUserInterests'), {
        name: 'GetUserInterests',
        username: 'ann',
        interests: ['free jazz', 'ambient', 'dub'],
        hatedInterests: ['polka'],
      });

      // Hating a liked item moves it; removals match whatever the spelling.
      ann.send({ name: 'AddHatedInterest', hatedInterest: 'Ambient' });
      ann.send({ name: 'RemoveInterest', interest: 'DUB ' });
      ann.send({ name: 'RemoveHatedInterest', hatedInterest: 'polka' });
      ann.send({ name: 'RemoveInterest', interest: 'never added' });
      ann.send({ name: 'GetUserInterests', username: 'ann' });
      assert.deepEqual(await ann.next('GetUserInterests'), {
        name: 'GetUserInterests',
        username: 'ann',
        interests: ['free jazz'],
        hatedInterests: ['ambient'],
      });
      // The old GetInterests answers with one's own liked list.
      ann.send({ name: 'GetInterests' });
      assert.deepEqual(await ann.next('GetInterests'), { name: 'GetInterests', interest: ['free jazz'] });

      ben.send({ name: 'GetUserInterests', username: 'nobody' });
      assert.deepEqual(await ben.next('GetUserInterests'), { name: 'GetUserInterests', username: 'nobody', interests: [], hatedInterests: [] });
      // Adding and removing are silent: no reply, no notice.
      await ann.nothingMore('PrivateChatMessage');
      await closeAll({ ann, ben });
    } finally {
      await s.close();
    }
  });

  test('refusals: empty, too long, a full list; nothing is stored', async () => {
    const s = await startServer();
    try {
      const { cy } = await loginWith(s.port, { cy: {} });
      cy.send({ name: 'AddInterest', interest: '   ' });
      await expectNotice(cy, 'An interest cannot be empty: nothing was added to your liked list.');
      const long = 'ab'.repeat(40);
      cy.send({ name: 'AddHatedInterest', hatedInterest: long });
      await expectNotice(cy, `The interest "${long.slice(0, 64)}…" is too long: at most 64 characters.`);

      for (let i = 0; i < INTEREST_LIST_LIMIT; i++) cy.send({ name: 'AddInterest', interest: `item ${i}` });
      cy.send({ name: 'AddInterest', interest: 'one more' });
      await expectNotice(cy, 'Your liked list already holds 30 interests, the most this server keeps: remove one before adding "one more".');
      cy.send({ name: 'GetUserInterests', username: 'cy' });
      const lists = await cy.next('GetUserInterests');
      assert.deepEqual(lists.interests, Array.from({ length: INTEREST_LIST_LIMIT }, (_, i) => `item ${i}`));
      assert.deepEqual(lists.hatedInterests, []);
      await cy.close();
    } finally {
      await s.close();
    }
  });

  test('every recommendation request is computed from the users\' lists', async () => {
    const s = await startServer();
    try {
      const users = await loginWith(s.port, {
        alice: { liked: ['jazz', 'blues', 'rock'] },
        bob: { liked: ['jazz', 'blues'], hated: ['metal', 'noise'] },
        carol: { liked: ['jazz', 'metal'], hated: ['blues'] },
        dave: { liked: ['rock', 'metal'] },
        erin: { hated: ['jazz', 'noise'] },
      });
      const { alice, dave, erin } = users;

      alice.send({ name: 'GetGlobalRecommendations' });
      assert.deepEqual(await alice.next('GetGlobalRecommendations'), {
        name: 'GetGlobalRecommendations',
        recommendations: [
          { recommendation: 'jazz', score: 2 },
          { recommendation: 'rock', score: 2 },
          { recommendation: 'blues', score: 1 },
          { recommendation: 'metal', score: 1 },
        ],
        unrecommendations: [{ recommendation: 'noise', score: -2 }],
      });

      dave.send({ name: 'GetRecommendations' });
      assert.deepEqual(await dave.next('GetRecommendations'), {
        name: 'GetRecommendations',
        recommendations: [
          { recommendation: 'jazz', score: 1 },
          { recommendation: 'noise', score: 1 },
        ],
        unrecommendations: [{ unrecommendation: 'blues', score: -1 }],
      });

      alice.send({ name: 'GetSimilarUsers' });
      assert.deepEqual(await alice.next('GetSimilarUsers'), {
        name: 'GetSimilarUsers',
        users: [
          { username: 'bob', similarInterestsAmount: 2 },
          { username: 'dave', similarInterestsAmount: 1 },
        ],
      });

      // The reply names the item as asked; the second list goes only when it has entries.
      alice.send({ name: 'GetItemRecommendations', item: 'Metal' });
      assert.deepEqual(await alice.next('GetItemRecommendations'), {
        name: 'GetItemRecommendations',
        item: 'Metal',
        recommendations: [
          { recommendation: 'noise', score: 1 },
          { recommendation: 'rock', score: 1 },
        ],
        unrecommendations: [{ unrecommendation: 'blues', score: -2 }],
      });
      alice.send({ name: 'GetItemRecommendations', item: 'jazz' });
      assert.deepEqual(await alice.next('GetItemRecommendations'), {
        name: 'GetItemRecommendations',
        item: 'jazz',
        recommendations: [
          { recommendation: 'blues', score: 1 },
          { recommendation: 'rock', score: 1 },
        ],
      });
      alice.send({ name: 'DeprecatedGetItemRecommendations', item: 'metal' });
      assert.deepEqual(await alice.next('DeprecatedGetItemRecommendations'), {
        name: 'DeprecatedGetItemRecommendations',
        item: 'metal',
        recommendation: ['noise', 'rock'],
      });

      alice.send({ name: 'GetItemSimilarUsers', item: 'JAZZ' });
      assert.deepEqual(await alice.next('GetItemSimilarUsers'), { name: 'GetItemSimilarUsers', item: 'JAZZ', username: ['bob', 'carol'] });

      alice.send({ name: 'GetRelatedSearches', query: 'Blues  and METAL' });
      assert.deepEqual(await alice.next('GetRelatedSearches'), {
        name: 'GetRelatedSearches',
        query: 'Blues  and METAL',
        relatedSearches: ['rock', 'jazz'],
      });

      // A change shows at once: erin stops hating noise, which then scores −1 (bob alone).
      erin.send({ name: 'RemoveHatedInterest', hatedInterest: 'noise' });
      await erin.sync();
      alice.send({ name: 'GetGlobalRecommendations' });
      assert.deepEqual((await alice.next('GetGlobalRecommendations')).unrecommendations, [{ recommendation: 'noise', score: -1 }]);
      await closeAll(users);
    } finally {
      await s.close();
    }
  });

  test('a user with no interests gets empty answers', async () => {
    const s = await startServer();
    try {
      const { fay } = await loginWith(s.port, { fay: {} });
      fay.send({ name: 'GetRecommendations' });
      assert.deepEqual(await fay.next('GetRecommendations'), { name: 'GetRecommendations', recommendations: [], unrecommendations: [] });
      fay.send({ name: 'GetSimilarUsers' });
      assert.deepEqual(await fay.next('GetSimilarUsers'), { name: 'GetSimilarUsers', users: [] });
      fay.send({ name: 'GetGlobalRecommendations' });
      assert.deepEqual(await fay.next('GetGlobalRecommendations'), { name: 'GetGlobalRecommendations', recommendations: [], unrecommendations: [] });
      fay.send({ name: 'GetRelatedSearches', query: 'x'.repeat(1000) });
      assert.deepEqual(await fay.next('GetRelatedSearches'), { name: 'GetRelatedSearches', query: 'x'.repeat(1000), relatedSearches: [] });
      await fay.close();
    } finally {
      await s.close();
    }
  });

  test('a name removed while the server runs and registered again starts with no interests', async () => {
    const s = await startServer();
    try {
      const { ivy } = await loginWith(s.port, { ivy: { liked: ['folk'] } });
      await ivy.close();
      // What `slsk server user remove ivy` does to the database of a running server.
      assert.equal(await s.server.core.store.deleteAccount('ivy'), true);
      const reborn = await RawClient.login(s.port, 'ivy');
      reborn.send({ name: 'GetUserInterests', username: 'ivy' });
      assert.deepEqual(await reborn.next('GetUserInterests'), { name: 'GetUserInterests', username: 'ivy', interests: [], hatedInterests: [] });
      reborn.send({ name: 'GetGlobalRecommendations' });
      assert.deepEqual(await reborn.next('GetGlobalRecommendations'), { name: 'GetGlobalRecommendations', recommendations: [], unrecommendations: [] });
      await reborn.close();
    } finally {
      await s.close();
    }
  });

  test('interests survive a restart, and recommendations come from them', async () => {
    const dataDir = tempDir();
    folders.push(dataDir);
    const first = await startServer({ dataDir });
    const before = await loginWith(first.port, { gus: { liked: ['dub', 'ska'], hated: ['opera'] }, hal: { liked: ['dub', 'reggae'] } });
    await closeAll(before);
    await first.close();

    const second = await startServer({ dataDir });
    try {
      const hal = await RawClient.login(second.port, 'hal');
      hal.send({ name: 'GetUserInterests', username: 'gus' });
      assert.deepEqual(await hal.next('GetUserInterests'), { name: 'GetUserInterests', username: 'gus', interests: ['dub', 'ska'], hatedInterests: ['opera'] });
      // gus is offline but still counts: hal·gus = dub 1, so gus's ska (+1) and opera (−1) follow.
      hal.send({ name: 'GetRecommendations' });
      assert.deepEqual(await hal.next('GetRecommendations'), {
        name: 'GetRecommendations',
        recommendations: [{ recommendation: 'ska', score: 1 }],
        unrecommendations: [{ unrecommendation: 'opera', score: -1 }],
      });
      await hal.close();
    } finally {
      await second.close();
    }
  });
});
