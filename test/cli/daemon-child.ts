// `slsk daemon` as a real child process for the CLI tests: its YAML config, its start, and the
// first JSON line that says where its API is.

import assert from 'node:assert/strict';
import { cleanEnv, SlskChild } from './slsk-child.ts';

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
