// Wishlist, hooks and metrics through `slsk daemon` as a real child process, against our own Soulseek
// server and a real sharing peer (a library Client with a search responder and a TransferManager):
// a wishlist item added and run over HTTP finds the peer's file and, with autoDownload, downloads it;
// the finished download reaches the configured webhook (a node:http receiver) and script (the event
// JSON on its stdin); a private message reaches the webhook too; /metrics counts the searches, the
// replies and the hook deliveries.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Client } from '../../src/client/index.ts';
import type { HookEvent } from '../../src/daemon/hooks/index.ts';
import { Receiver } from '../daemon/hooks-support.ts';
import { newManager, virtual, writeRandomFile } from '../transfers/helpers.ts';
import { daemonConfigYaml, daemonStarted, daemonTestbed, startDaemon } from './daemon-child.ts';
import { EventReader } from './sse-reader.ts';

const bed = daemonTestbed();
const DEADLINE_MS = 20_000;

const SCRIPT = `import { appendFileSync } from 'node:fs';
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', () => appendFileSync(process.argv[2], JSON.stringify({ env: process.env.SLSK_EVENT, event: JSON.parse(input) }) + '\\n'));
`;

/** Checks `ready` every 50 ms until it gives a value (the receiver's requests, the script's file), failing at the deadline. */
async function until<T>(what: string, ready: () => T | undefined): Promise<T> {
  const deadline = Date.now() + DEADLINE_MS;
  for (;;) {
    const value = ready();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${DEADLINE_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('slsk daemon: wishlist auto-download → downloadComplete webhook and script; private message webhook; metrics', { timeout: 120_000 }, async () => {
  const server = await bed.startServer();
  const root = bed.tempDir('slsk-daemon-hooks-');
  const data = join(root, 'data');
  mkdirSync(join(root, 'Music'), { recursive: true });
  const scriptFile = join(root, 'hook.mjs');
  const scriptOut = join(root, 'script-events.jsonl');
  writeFileSync(scriptFile, SCRIPT);
  const receiver = await Receiver.start();
  const configFile = join(root, 'daemon.yaml');
  writeFileSync(
    configFile,
    daemonConfigYaml({ serverPort: server.port, password: 'daemon-pw', data, music: join(root, 'Music') }) +
      [
        // the wishlist picks once its search ends: keep that short
        'searches:',
        '  timeoutSeconds: 2',
        'webhooks:',
        `  - url: ${JSON.stringify(receiver.url)}`,
        '    events: [privateMessage, downloadComplete]',
        '    retries: 0',
        'scripts:',
        `  - command: ${JSON.stringify([process.execPath, scriptFile, scriptOut])}`,
        '    events: [downloadComplete]',
        '',
      ].join('\n'),
  );

  const peer = new Client({ listenPort: 0, listenHost: '127.0.0.1', distributed: false, reconnect: false });
  const peerRoot = join(root, 'peer');
  const peerManager = newManager(peer, peerRoot);
  mkdirSync(join(peerRoot, 'shared'), { recursive: true });
  writeRandomFile(join(peerRoot, 'shared', 'Come Together.flac'), 60_000);
  writeRandomFile(join(peerRoot, 'shared', 'Come Together.mp3'), 20_000);
  const asked: string[] = [];
  peer.setSearchResponder((search) => {
    asked.push(search.query);
    return {
      files: [
        { filename: virtual('Come Together.mp3'), size: 20_000n, extension: 'mp3', bitrate: 320 },
        { filename: virtual('Come Together.flac'), size: 60_000n, extension: 'flac' },
      ],
      slotsFree: true,
      avgSpeed: 1_000_000,
      queueLength: 0,
    };
  });

  const child = startDaemon(configFile, bed.children);
  const first = await daemonStarted(child);
  const url = first.url;
  const token = readFileSync(join(data, 'daemon.token'), 'utf8').trim();
  const auth = { authorization: `Bearer ${token}` };
  const json = { ...auth, 'content-type': 'application/json' };
  const events = await EventReader.open(url, token, first.firstEventId - 1);
  const hookEvents = (): HookEvent[] => receiver.requests.map((r) => JSON.parse(r.body) as HookEvent);
  try {
    await peer.login({ server: `127.0.0.1:${server.port}`, username: 'peer', password: 'peer-pw' });
    await peerManager.start();
    await events.waitFor('the daemon logged in', (e) => e.event === 'serverConnection' && e.data['state'] === 'loggedIn');

    // The wishlist over HTTP: add (FLAC only, auto-download), list, run now.
    const added = await fetch(`${url}/api/v1/wishlist`, { method: 'POST', headers: json, body: '{"query": "come together", "filter": "ext:flac", "autoDownload": true, "enabled": false}' });
    assert.equal(added.status, 201);
    const item = (await added.json()) as { id: string; enabled: boolean; autoDownload: boolean };
    assert.deepEqual([item.enabled, item.autoDownload], [false, true]);
    const listed = (await (await fetch(`${url}/api/v1/wishlist`, { headers: auth })).json()) as { id: string }[];
    assert.deepEqual(listed.map((i) => i.id), [item.id]);
    const ran = await fetch(`${url}/api/v1/wishlist/${item.id}/run`, { method: 'POST', headers: auth });
    assert.equal(ran.status, 200);
    const run = (await ran.json()) as { item: { lastRunAt?: string }; search: { id: string; query: string; filter: string } };
    assert.deepEqual([run.search.query, run.search.filter, typeof run.item.lastRunAt], ['come together', 'ext:flac', 'string']);
    await events.waitFor('wishlistRun', (e) => e.event === 'wishlistRun' && e.data['itemId'] === item.id && e.data['trigger'] === 'manual');
    const wanted = await events.waitFor('wishlistDownload', (e) => e.event === 'wishlistDownload' && e.data['itemId'] === item.id);
    assert.deepEqual([wanted.data['username'], wanted.data['filename'], wanted.data['searchId']], ['peer', virtual('Come Together.flac'), run.search.id]);
    assert.deepEqual(asked, ['come together']);

    // The download completes: the webhook and the script hear it.
    const done = await until('the downloadComplete webhook', () => hookEvents().find((e) => e.type === 'downloadComplete'));
    const doneData = done.data as { user: string; remotePath: string; localPath: string; size: number };
    assert.deepEqual([doneData.user, doneData.remotePath, doneData.size], ['peer', virtual('Come Together.flac'), 60_000]);
    assert.ok(existsSync(doneData.localPath), 'the event names the finished file');
    // It landed by the downloads.layout setting (default: the remote parent folder), as any download does.
    assert.equal(doneData.localPath, join(data, 'downloads', '@@share', 'Come Together.flac'));
    const listedDownloads = (await (await fetch(`${url}/api/v1/transfers?direction=download`, { headers: auth })).json()) as { totals: { files: number; states: Record<string, number> } };
    assert.deepEqual([listedDownloads.totals.files, listedDownloads.totals.states], [1, { completed: 1 }]);
    const scriptLines = await until('the script run', () => (existsSync(scriptOut) ? readFileSync(scriptOut, 'utf8').trim().split('\n') : undefined));
    const scriptEvent = JSON.parse(scriptLines[0]!) as { env: string; event: HookEvent };
    assert.deepEqual([scriptLines.length, scriptEvent.env, scriptEvent.event], [1, 'downloadComplete', done]);

    // A private message reaches the webhook (the script does not listen to it).
    peer.sendPrivateMessage('daemonuser', 'thanks for the wishlist');
    const pm = await until('the privateMessage webhook', () => hookEvents().find((e) => e.type === 'privateMessage'));
    assert.deepEqual(pm.data, { user: 'peer', text: 'thanks for the wishlist' });

    // /metrics: the search sent, the reply kept, the deliveries, the queues and the tree.
    const metrics = await (await fetch(`${url}/metrics`, { headers: auth })).text();
    const sample = (line: RegExp): number => Number(metrics.match(line)?.[1] ?? Number.NaN);
    assert.equal(sample(/^slsk_searches_started_total\{scope="network"\} (\d+)$/m), 1);
    assert.equal(sample(/^slsk_search_responses_received_total (\d+)$/m), 1);
    assert.equal(sample(/^slsk_hook_deliveries_total\{kind="webhook",outcome="delivered"\} (\d+)$/m), 2);
    assert.equal(sample(/^slsk_hook_deliveries_total\{kind="script",outcome="delivered"\} (\d+)$/m), 1);
    assert.equal(sample(/^slsk_hook_deliveries_total\{kind="webhook",outcome="failed"\} (\d+)$/m), 0);
    assert.equal(sample(/^slsk_download_queue_length (\d+)$/m), 0);
    assert.equal(sample(/^slsk_upload_queue_length (\d+)$/m), 0);
    assert.ok(!Number.isNaN(sample(/^slsk_distributed_children (\d+)$/m)));
    assert.ok(!Number.isNaN(sample(/^slsk_transfer_speed_bytes_per_second\{direction="download"\} (\d+)$/m)));
  } finally {
    events.close();
    await peerManager.close();
    await peer.close();
  }
  child.process.kill('SIGTERM');
  const result = await child.exited;
  await receiver.close();
  assert.equal(result.code, 0, result.stderr);
});
