// A testbed for slskd's /api/v0, all real parts: our Soulseek server on a free port, a sharing peer
// (a library Client with the real SharesLibrary answering searches and folder requests, and a
// TransferManager serving uploads), and an in-process Daemon (Daemon.start over a YAML config) with
// API keys. Callers speak to it as slskd's tools do: fetch with X-API-Key and JSON written by hand.

import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '../../src/client/index.ts';
import { Daemon } from '../../src/daemon/daemon.ts';
import { loadDaemonConfig } from '../../src/daemon/config/index.ts';
import { hashPassword } from '../../src/daemon/http/sessions.ts';
import { SharesLibrary } from '../../src/shares/index.ts';
import type { TransferManager } from '../../src/transfers/index.ts';
import { loggedIn } from '../client/helpers.ts';
import { startServer, tempDir, type TestServer } from '../server/harness.ts';
import { newManager } from '../transfers/helpers.ts';
import { flac, mp3Cbr } from '../shares/audio.ts';

export const API_KEYS = { write: 'soularr-key-0123456789abcdef', read: 'reader-key-0123456789abcdef' } as const;
export const WEB = { username: 'owner', password: 'correct horse battery staple' } as const;
/** The peer's shared files, real audio (so the search results and listings carry attributes), relative to its share "Music". */
export const ALBUM_FILES: Readonly<Record<string, Buffer>> = { 'Artist/Album/01 - Intro.mp3': mp3Cbr(2, 320), 'Artist/Album/02 - Outro.flac': flac(3) };
export const INTRO_SIZE = ALBUM_FILES['Artist/Album/01 - Intro.mp3']!.length;
export const OUTRO_SIZE = ALBUM_FILES['Artist/Album/02 - Outro.flac']!.length;
export const ALBUM_DIR = 'Music\\Artist\\Album';
const DEADLINE_MS = 20_000;

export interface SlskdBed {
  readonly root: string;
  readonly url: string;
  readonly daemon: Daemon;
  readonly server: TestServer;
  readonly peer: Client;
  readonly peerTransfers: TransferManager;
  /** The peer's shared folder on disk. */
  readonly music: string;
  readonly downloads: string;
  close(): Promise<void>;
}

/** Polls `probe` until it returns a value (not undefined), or fails after `ms` naming `what`. */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = DEADLINE_MS): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export async function startSlskdBed(): Promise<SlskdBed> {
  const root = tempDir('slsk-slskd-');
  const server = await startServer();
  const music = join(root, 'peer', 'music');
  for (const [path, bytes] of Object.entries(ALBUM_FILES)) {
    mkdirSync(join(music, path, '..'), { recursive: true });
    writeFileSync(join(music, path), bytes);
  }
  const library = await SharesLibrary.open({ database: join(root, 'peer', 'shares.db'), folders: [{ path: music, name: 'Music' }] });
  await library.scan();
  const peer = await loggedIn(server.port, 'peer');
  peer.setSharesProvider(library.sharesProvider(() => false));
  peer.setSearchResponder(library.responder({ isBuddy: () => false, slotsFree: () => true, avgSpeed: () => 250_000, queueLength: () => 0 }));
  peer.setUserInfo({ description: 'a test peer', uploadSlots: 2, queueLength: 0, slotsFree: true });
  const peerTransfers = newManager(peer, join(root, 'peer'), { resolveUpload: (path) => library.resolve(path, { buddy: false }) });
  await peerTransfers.start();

  const data = join(root, 'daemon');
  mkdirSync(join(root, 'daemon-shares'), { recursive: true });
  const configFile = join(root, 'daemon.yaml');
  writeFileSync(
    configFile,
    [
      'soulseek:',
      `  server: 127.0.0.1:${server.port}`,
      '  username: daemonuser',
      '  password: daemon-pw',
      '  listenPort: 0',
      'data:',
      `  folder: ${data}`,
      'shares:',
      '  folders:',
      `    - path: ${join(root, 'daemon-shares')}`,
      'http:',
      '  port: 0',
      'auth:',
      '  keys:',
      `    - { name: soularr, key: ${API_KEYS.write}, role: write }`,
      `    - { name: dashboard, key: ${API_KEYS.read}, role: read }`,
      '  web:',
      `    username: ${WEB.username}`,
      `    passwordHash: ${JSON.stringify(await hashPassword(WEB.password))}`,
      '',
    ].join('\n'),
  );
  const { config } = await loadDaemonConfig({ configPath: configFile, env: {}, cwd: root });
  const daemon = await Daemon.start({ config, version: '0.0.0-test' });
  const url = daemon.url;
  await until('the daemon to log in', async () => (daemon.link.snapshot().state === 'loggedIn' ? true : undefined));
  return {
    root,
    url,
    daemon,
    server,
    peer,
    peerTransfers,
    music,
    downloads: config.downloads.folder,
    async close() {
      await daemon.stop();
      await peerTransfers.close();
      await peer.close();
      await library.close();
      await server.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** A request as the tools make it: X-API-Key (the write key unless told), JSON in and out. */
export async function call(
  bed: Pick<SlskdBed, 'url'>,
  method: string,
  path: string,
  options: { body?: string; key?: string | null; headers?: Record<string, string> } = {},
): Promise<{ status: number; json: unknown; text: string; headers: Headers }> {
  const key = options.key === undefined ? API_KEYS.write : options.key;
  const headers: Record<string, string> = { ...(key === null ? {} : { 'X-API-Key': key }), ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(bed.url + path, { method, headers, ...(options.body === undefined ? {} : { body: options.body }) });
  const text = await response.text();
  const isJson = (response.headers.get('content-type') ?? '').startsWith('application/json');
  return { status: response.status, json: isJson && text !== '' ? (JSON.parse(text) as unknown) : undefined, text, headers: response.headers };
}

/** The JSON of a 2xx reply, failing with the body when the status is another. */
export async function ok<T>(reply: Promise<{ status: number; json: unknown; text: string }>, status = 200): Promise<T> {
  const r = await reply;
  assert.equal(r.status, status, r.text);
  return r.json as T;
}
