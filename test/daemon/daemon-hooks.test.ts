// The hooks fed by the daemon's parts, with real parts: our server on 127.0.0.1, library Clients (us,
// a sharer with its TransferManager, users we watch), our TransferManager, a HookDispatcher posting
// to a real HTTP receiver and running a real script (event JSON on stdin). Each hook event comes from
// the real thing happening: a private message, a room line naming us (and one that does not), a
// watched user going offline → online (and one already online, which is not news), a download
// completing. Then the hook totals as /metrics shows them.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Client } from '../../src/client/index.ts';
import { commonFolder, feedClientHooks, feedTransferHooks, folderCompleteEvent, mentions, PresenceTracker } from '../../src/daemon/daemon-hooks.ts';
import { collectDaemonMetrics } from '../../src/daemon/daemon-metrics.ts';
import type { FolderDownload, FolderDownloadSummary } from '../../src/daemon/downloads/index.ts';
import { HookDispatcher, type HookEvent } from '../../src/daemon/hooks/index.ts';
import { DaemonMetrics } from '../../src/daemon/metrics/index.ts';
import { startServer, tempDir } from '../server/harness.ts';
import { newManager, virtual, writeRandomFile } from '../transfers/helpers.ts';
import { Receiver, RecordingLogger } from './hooks-support.ts';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const SCRIPT = `import { appendFileSync } from 'node:fs';
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', () => appendFileSync(process.argv[2], JSON.stringify({ env: process.env.SLSK_EVENT, event: JSON.parse(input) }) + '\\n'));
`;

const newClient = (): Client => new Client({ listenPort: 0, listenHost: '127.0.0.1', distributed: false, reconnect: false });

test('hooks hear private messages, mentions, users coming online and finished downloads', { timeout: 90_000 }, async () => {
  const server = await startServer();
  const root = tempDir('slsk-daemon-hooks-');
  dirs.push(root);
  const scriptFile = join(root, 'hook.mjs');
  const scriptOut = join(root, 'script-events.jsonl');
  writeFileSync(scriptFile, SCRIPT);
  const receiver = await Receiver.start();
  const logger = new RecordingLogger();
  const hooks = new HookDispatcher({
    webhooks: [{ url: receiver.url, events: [], timeoutMs: 5000, retries: 0, headers: { authorization: 'Bearer t' } }],
    scripts: [{ command: [process.execPath, scriptFile, scriptOut], events: ['downloadComplete'], timeoutMs: 20_000 }],
    logger,
  });
  const me = newClient();
  const alice = newClient();
  const bob = newClient();
  const carol = newClient();
  const manager = newManager(me, join(root, 'me'));
  const aliceManager = newManager(alice, join(root, 'alice'));
  const metrics = new DaemonMetrics([]);
  const received = (type: string): HookEvent[] => receiver.requests.map((r) => JSON.parse(r.body) as HookEvent).filter((e) => e.type === type);
  const waitForHook = async (what: string, match: (e: HookEvent) => boolean): Promise<HookEvent> => {
    const signal = AbortSignal.timeout(20_000);
    for (;;) {
      const found = receiver.requests.map((r) => JSON.parse(r.body) as HookEvent).find(match);
      if (found !== undefined) return found;
      if (signal.aborted) throw new Error(`no ${what} hook within 20 s: ${receiver.requests.map((r) => r.body).join('\n')}`);
      await new Promise<void>((resolve) => {
        const done = (): void => {
          receiver.off('request', done);
          signal.removeEventListener('abort', done);
          resolve();
        };
        receiver.on('request', done);
        signal.addEventListener('abort', done);
      });
    }
  };
  try {
    feedClientHooks(me, hooks);
    feedTransferHooks(manager, hooks);
    collectDaemonMetrics(metrics, { client: me, manager, hooks });
    const login = (client: Client, username: string) => client.login({ server: `127.0.0.1:${server.port}`, username, password: 'pw' });
    // carol exists (has logged in once) but is offline when we start watching her
    await login(carol, 'carol');
    await carol.close();
    await login(alice, 'alice');
    await login(bob, 'bob');
    await login(me, 'me');
    await manager.start();
    await aliceManager.start();

    // A private message: user and text, as JSON, with the configured header.
    alice.sendPrivateMessage('me', 'hello there');
    const pm = await waitForHook('privateMessage', (e) => e.type === 'privateMessage');
    assert.deepEqual(pm.data, { user: 'alice', text: 'hello there' });
    assert.ok(!Number.isNaN(Date.parse(pm.at)));
    assert.equal(receiver.requests[0]?.headers['authorization'], 'Bearer t');
    assert.equal(receiver.requests[0]?.headers['content-type'], 'application/json');

    // Rooms: only a line naming us, as a word, from someone else.
    await me.joinRoom('lobby');
    await alice.joinRoom('lobby');
    alice.sayInRoom('lobby', 'meh, nothing to see');
    me.sayInRoom('lobby', 'me talking about me');
    alice.sayInRoom('lobby', 'is ME around?');
    const mention = await waitForHook('mention', (e) => e.type === 'mention');
    assert.deepEqual(mention.data, { room: 'lobby', user: 'alice', text: 'is ME around?' });

    // Presence: bob is already online when watched (not news); carol goes offline → online (news).
    assert.equal((await me.watch('bob')).status, 'online');
    assert.equal((await me.watch('carol')).status, 'offline');
    const carolAgain = newClient();
    await login(carolAgain, 'carol');
    const online = await waitForHook('userOnline', (e) => e.type === 'userOnline');
    assert.deepEqual(online.data, { user: 'carol' });
    await carolAgain.close();

    // A finished download: to the webhook and to the script (its stdin, SLSK_EVENT set).
    mkdirSync(join(root, 'alice', 'shared'), { recursive: true });
    writeRandomFile(join(root, 'alice', 'shared', 'song.flac'), 40_000);
    const transfer = manager.download('alice', virtual('song.flac'));
    const done = await waitForHook('downloadComplete', (e) => e.type === 'downloadComplete');
    assert.equal(done.type, 'downloadComplete');
    const data = done.data as { user: string; remotePath: string; localPath: string; size: number };
    assert.deepEqual([data.user, data.remotePath, data.size], ['alice', virtual('song.flac'), 40_000]);
    assert.equal(data.localPath, manager.get(transfer.id)?.localPath);
    assert.ok(existsSync(data.localPath));
    await logger.waitFor(/^hook script\[0\] .* ran on downloadComplete/);
    const lines = readFileSync(scriptOut, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { env: string; event: HookEvent });
    assert.deepEqual(lines.map((l) => [l.env, l.event.type, (l.event.data as { localPath: string }).localPath]), [['downloadComplete', 'downloadComplete', data.localPath]]);

    // Nothing else was sent: no mention for "meh" or our own line, no userOnline for bob.
    assert.deepEqual(received('mention').length, 1);
    assert.deepEqual(received('userOnline').map((e) => e.data), [{ user: 'carol' }]);
    assert.deepEqual(received('privateMessage').length, 1);

    // /metrics: the deliveries by kind and outcome.
    const scrape = metrics.scrape();
    assert.match(scrape, new RegExp(`^slsk_hook_deliveries_total\\{kind="webhook",outcome="delivered"\\} ${receiver.requests.length}$`, 'm'));
    assert.match(scrape, /^slsk_hook_deliveries_total\{kind="script",outcome="delivered"\} 1$/m);
    assert.match(scrape, /^slsk_hook_deliveries_total\{kind="webhook",outcome="failed"\} 0$/m);
    assert.match(scrape, /^slsk_hook_queue_length\{kind="webhook"\} 0$/m);
    // the download's bytes, from its progress events
    assert.match(scrape, /^slsk_transfer_bytes_total\{direction="download"\} 40000$/m);
    // scraping again does not count them twice
    assert.match(metrics.scrape(), /^slsk_hook_deliveries_total\{kind="script",outcome="delivered"\} 1$/m);
  } finally {
    await hooks.close();
    await manager.close();
    await aliceManager.close();
    for (const client of [me, alice, bob]) await client.close();
    await receiver.close();
    metrics.stop();
    await server.close();
  }
});

test('mentions: the name as a word of its own, any case, regex characters taken literally', () => {
  assert.ok(mentions('hey Alice!', 'alice'));
  assert.ok(mentions('alice: look', 'alice'));
  assert.ok(!mentions('malice aforethought', 'alice'));
  assert.ok(!mentions('alice_b says hi', 'alice'));
  assert.ok(mentions('ping a.b', 'a.b'));
  assert.ok(!mentions('ping axb', 'a.b'));
  assert.ok(!mentions('anything', ''));
});

test('PresenceTracker: offline → online only, forgotten on disconnect, bounded', () => {
  const presence = new PresenceTracker(2);
  assert.equal(presence.update('bob', 'online'), false, 'a first report is not news');
  assert.equal(presence.update('carol', 'offline'), false);
  assert.equal(presence.update('carol', 'online'), true);
  assert.equal(presence.update('carol', 'away'), false);
  assert.equal(presence.update('carol', 'online'), false, 'back from away is not coming online');
  presence.update('dave', 'offline');
  assert.equal(presence.size, 2);
  assert.equal(presence.update('bob', 'online'), false, 'bob was dropped by the bound: unknown again');
  presence.update('erin', 'offline');
  presence.forget();
  assert.equal(presence.update('erin', 'online'), false, 'after a disconnect nothing is known');
});

test('folderComplete: sent once every file is final, counting the files got, at their common folder', () => {
  const group: FolderDownload = {
    id: 'g1',
    username: 'alice',
    folder: 'Music\\Album',
    layout: 'album',
    subfolder: '',
    source: 'browse',
    files: [
      { remotePath: 'Music\\Album\\CD1\\01.flac', size: 1n, destination: 'Album/CD1/01.flac', status: 'enqueued', transferId: 't1', presentAt: undefined },
      { remotePath: 'Music\\Album\\CD2\\01.flac', size: 1n, destination: 'Album/CD2/01.flac', status: 'already-present', transferId: undefined, presentAt: '/x' },
      { remotePath: 'Music\\Album\\cover.jpg', size: 1n, destination: 'Album/cover.jpg', status: 'enqueued', transferId: 't2', presentAt: undefined },
    ],
    refused: [],
    createdAt: 0,
  };
  const summary = (finished: boolean): FolderDownloadSummary => ({
    id: 'g1',
    complete: false,
    finished,
    counts: {},
    failed: [],
    files: [
      { remotePath: 'Music\\Album\\CD1\\01.flac', destination: 'Album/CD1/01.flac', state: 'completed' },
      { remotePath: 'Music\\Album\\CD2\\01.flac', destination: 'Album/CD2/01.flac', state: 'already-present' },
      { remotePath: 'Music\\Album\\cover.jpg', destination: 'Album/cover.jpg', state: finished ? 'failed' : 'transferring' },
    ],
  });
  assert.equal(folderCompleteEvent(group, summary(false), '/srv/dl'), undefined);
  const event = folderCompleteEvent(group, summary(true), '/srv/dl');
  assert.deepEqual(event?.data, { user: 'alice', folder: 'Music\\Album', files: 2, localFolder: join('/srv/dl', 'Album') });
  assert.equal(commonFolder(['a/b/c.mp3', 'a/b/d/e.mp3']), 'a/b');
  assert.equal(commonFolder(['x.mp3', 'a/y.mp3']), '');
});
