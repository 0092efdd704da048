// `slsk daemon` as a real child process for the CLI tests: its YAML config, its start, and the
// first JSON line that says where its API is.

import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after } from 'node:test';
import { startServer, tempDir, type TestServer } from '../server/harness.ts';
import { cleanEnv, removeHomes, SlskChild } from './slsk-child.ts';

const DEADLINE_MS = 20_000;

export interface DaemonConfigFile {
  serverPort: number;
  password: string;
  /** The daemon's data folder. */
  data: string;
  /** The one shared folder. */
  music: string;
  /** More lines under `soulseek:` (two-space indented), e.g. reconnect delays. */
  soulseekExtra?: string[];
}

/** A daemon.yaml logging in as `daemonuser` on our test server, sharing one folder, API on a free port. */
export function daemonConfigYaml(config: DaemonConfigFile): string {
  return [
    'soulseek:',
    `  server: 127.0.0.1:${config.serverPort}`,
    '  username: daemonuser',
    `  password: ${config.password}`,
    '  listenPort: 0',
    ...(config.soulseekExtra ?? []),
    'data:',
    `  folder: ${config.data}`,
    'shares:',
    '  folders:',
    `    - path: ${config.music}`,
    'http:',
    '  port: 0',
    '',
  ].join('\n');
}

/** Starts `slsk daemon --config FILE --json`; the caller kills what is in `children` after its tests. */
export function startDaemon(configFile: string, children: SlskChild[]): SlskChild {
  const child = new SlskChild(['daemon', '--config', configFile, '--json'], cleanEnv(), 60_000);
  children.push(child);
  return child;
}

/** Waits for the `started` line, which is always the first: the API's URL and the run's first event id. */
export async function daemonStarted(child: SlskChild): Promise<{ url: string; firstEventId: number; lines: Record<string, unknown>[] }> {
  await child.waitFor(/"event":"started"[^\n]*\n/, 'stdout', DEADLINE_MS);
  const lines = child.stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
  const first = lines[0]!;
  assert.equal(first['event'], 'started', 'the first line says where the API is');
  return { url: String(first['url']), firstEventId: Number(first['firstEventId']), lines };
}

/** What a daemon test file starts, put away after its tests: children killed, the server closed, folders removed. */
export interface DaemonTestbed {
  readonly children: SlskChild[];
  /** Our Soulseek server; the one started last is closed after the tests. */
  startServer(options?: Parameters<typeof startServer>[0]): Promise<TestServer>;
  /** A temporary folder, removed after the tests. */
  tempDir(prefix: string): string;
}

/** Registers the clean-up in the calling test file. */
export function daemonTestbed(): DaemonTestbed {
  const children: SlskChild[] = [];
  const dirs: string[] = [];
  let server: TestServer | undefined;
  after(async () => {
    for (const child of children) child.kill();
    await server?.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    removeHomes();
  });
  return {
    children,
    async startServer(options) {
      server = await startServer(options);
      return server;
    },
    tempDir(prefix) {
      const dir = tempDir(prefix);
      dirs.push(dir);
      return dir;
    },
  };
}
