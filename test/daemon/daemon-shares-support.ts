// A real daemon in this process for the shares, options and logs service tests: settings loaded from a
// YAML file in a temporary folder (real SQLite files in its data folder), the HTTP API on 127.0.0.1
// port 0 with an admin key, and its event stream read as it comes.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { loadDaemonConfig } from '../../src/daemon/config/index.ts';
import { Daemon } from '../../src/daemon/daemon.ts';
import { createDaemonClient, type DaemonClient } from '../../src/daemon/client.ts';
import { EventReader } from '../cli/sse-reader.ts';

export const ADMIN_KEY = 'admin-key-0123456789abcdef';

export async function tempFolder(t: TestContext, prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** The YAML a test daemon reads: `extra` lines are appended as they are (top-level groups). */
export function daemonYaml(data: string, extra: readonly string[]): string {
  return [
    '# the test daemon',
    'data:',
    `  folder: ${data} # where the store lives`,
    'http:',
    '  port: 0',
    'auth:',
    '  keys:',
    '    - name: boss',
    `      key: ${ADMIN_KEY}`,
    '      role: admin',
    ...extra,
    '',
  ].join('\n');
}

export interface RunningDaemon {
  readonly daemon: Daemon;
  readonly api: DaemonClient;
  readonly events: EventReader;
  /** Stops it (also done after the test). */
  stop(): Promise<void>;
}

/** Starts a daemon from `configFile`, its events read from its first one on. */
export async function runDaemon(t: TestContext, configFile: string, options: { watchQuietMs?: number } = {}): Promise<RunningDaemon> {
  const { config } = await loadDaemonConfig({ configPath: configFile, env: {} });
  const daemon = await Daemon.start({ config, version: '0.0.0-test', configFile, ...options });
  const events = await EventReader.open(daemon.url, ADMIN_KEY, daemon.hub.settings.firstId - 1);
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      events.close();
      await daemon.stop();
    })();
    return stopped;
  };
  t.after(stop);
  return { daemon, api: createDaemonClient({ baseUrl: daemon.url, apiKey: ADMIN_KEY }), events, stop };
}
