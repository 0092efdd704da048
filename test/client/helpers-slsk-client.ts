// Runs slsk-client (npm) through the server tests' child script, test/server/peer-slsk-client.cjs
// (one client per process, driven over IPC), for the client interop tests. The script is reused
// as it is; this file only spawns it and keeps what it reports.

import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { WAIT_MS } from '../server/harness.ts';
import { Recorder } from './helpers-events.ts';

const CHILD_SCRIPT = fileURLToPath(new URL('../server/peer-slsk-client.cjs', import.meta.url));

/** A search result as slsk-client reports it. */
export interface FoundFile {
  user: string;
  file: string;
  size: number;
  slots: boolean;
  bitrate?: number;
  speed: number;
}

export type ChildEvent =
  | { type: 'connected' }
  | { type: 'client-error'; message: string }
  /** slsk-client handled the PeerInit of an incoming connection (the script's probe). */
  | { type: 'peer-ready'; user: string; connectionType: string }
  | { type: 'found'; result: FoundFile }
  | { type: 'results'; error: string | null; results: FoundFile[] }
  | { type: 'downloaded'; error: string | null; path: string | null }
  | { type: 'exit'; code: number | null; signal: string | null };

function ephemeralLow(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) ? low : 49152;
  } catch {
    return 49152;
  }
}

function canListen(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(undefined));
    probe.listen({ host: '0.0.0.0', port }, () => {
      const bound = (probe.address() as AddressInfo).port;
      probe.close(() => resolve(bound));
    });
  });
}

const handedOut = new Set<number>();

/**
 * A port for slsk-client to listen on (it binds 0.0.0.0 on a port we name). Taken below the
 * ephemeral range, so no port-0 socket of a test running meanwhile can land on it first.
 */
export async function freePort(): Promise<number> {
  const low = ephemeralLow();
  for (let attempt = 0; attempt < 100 && low > 11_024; attempt++) {
    const port = low - 1 - Math.floor(Math.random() * 10_000);
    if (handedOut.has(port)) continue;
    if ((await canListen(port)) !== undefined) {
      handedOut.add(port);
      return port;
    }
  }
  const port = await canListen(0);
  if (port === undefined) throw new Error('no free port');
  return port;
}

export class SlskClientProcess {
  readonly child: ChildProcess;
  readonly events = new Recorder<ChildEvent>();
  /** slsk-client's debug log (DEBUG=slsk:*), for failure diagnostics. */
  stderr = '';

  constructor(config: { user: string; pass: string; port: number; incomingPort: number }) {
    const args = JSON.stringify({ ...config, host: '127.0.0.1', timeout: WAIT_MS });
    this.child = spawn(process.execPath, [CHILD_SCRIPT, args], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: { ...process.env, DEBUG: 'slsk:*', DEBUG_COLORS: 'no' },
    });
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.child.on('message', (message) => this.events.push(message as ChildEvent));
    this.child.on('exit', (code, signal) => this.events.push({ type: 'exit', code, signal }));
  }

  static async start(config: { user: string; pass: string; port: number }): Promise<SlskClientProcess> {
    const spawned = new SlskClientProcess({ ...config, incomingPort: await freePort() });
    const event = await spawned.events.wait((e) => e.type === 'connected' || e.type === 'client-error' || e.type === 'exit', 'slsk-client to log in');
    if (event.type !== 'connected') {
      await spawned.stop();
      throw new Error(`slsk-client did not log in: ${JSON.stringify(event)}\n${spawned.stderr}`);
    }
    return spawned;
  }

  search(req: string, timeout: number): void {
    this.child.send({ type: 'search', req, timeout });
  }

  /** Downloads a file slsk-client found (one of its search results) to `path`. */
  download(file: FoundFile, path: string): void {
    this.child.send({ type: 'download', file, path });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    if (this.child.connected) this.child.send({ type: 'exit' });
    try {
      await this.events.wait((e) => e.type === 'exit', 'slsk-client to exit');
    } catch {
      this.child.kill('SIGKILL');
    }
  }
}
