// Interop with a client no one here wrote: slsk-client (npm) logs into our server, searches, and gets
// a PeerSearchReply from a test peer (a branch root, or a plain FileSearch receiver) over a direct P
// connection to its listen port; the file must come out of slsk-client's search callback intact.

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { suite, test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { UserStatus } from '../../src/protocol/index.ts';
import { RawClient, WAIT_MS, startServer } from './harness.ts';
import { EventLog, PeerNode, type SeenSearch } from './peer-node.ts';

const CHILD_SCRIPT = fileURLToPath(new URL('./peer-slsk-client.cjs', import.meta.url));
/** slsk-client hands results to the search callback only when this runs out, so it sets the pace. */
const SEARCH_TIMEOUT_MS = 8000;

interface FoundFile {
  user: string;
  file: string;
  size: number;
  slots: boolean;
  bitrate?: number;
  speed: number;
}

type ChildEvent =
  | { type: 'connected' }
  | { type: 'client-error'; message: string }
  | { type: 'peer-ready'; user: string; connectionType: string }
  | { type: 'found'; result: FoundFile }
  | { type: 'results'; error: string | null; results: FoundFile[] }
  | { type: 'exit'; code: number | null; signal: string | null };

/** Lowest port the OS hands out for port 0 (Linux: /proc; elsewhere the IANA default). */
function ephemeralLow(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) ? low : 49152;
  } catch {
    return 49152;
  }
}

const portsHandedOut = new Set<number>();

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

/**
 * slsk-client listens on 0.0.0.0 on a port we must name, so the port is free only when we look. It is
 * taken below the ephemeral range: a port-0 socket of a test running meanwhile (servers, peers, other
 * test files) can then never land on it before slsk-client binds it.
 */
async function freePort(): Promise<number> {
  const low = ephemeralLow();
  for (let attempt = 0; attempt < 100 && low > 11_024; attempt++) {
    const port = low - 1 - Math.floor(Math.random() * 10_000);
    if (portsHandedOut.has(port)) continue;
    if ((await canListen(port)) !== undefined) {
      portsHandedOut.add(port);
      return port;
    }
  }
  const port = await canListen(0);
  if (port === undefined) throw new Error('no free port');
  return port;
}

/** One slsk-client in its own process (peer-slsk-client.cjs), driven over IPC. */
class SlskClientProcess {
  readonly child: ChildProcess;
  readonly events = new EventLog<ChildEvent>();
  /** slsk-client's own debug log (DEBUG=slsk:*), shown when a test fails. */
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

  async connected(): Promise<void> {
    const event = await this.events.wait((e) => e.type !== 'peer-ready' && e.type !== 'found', 'slsk-client to log in');
    if (event.type !== 'connected') throw new Error(`slsk-client did not log in: ${JSON.stringify(event)}`);
  }

  search(req: string, timeout: number): void {
    this.child.send({ type: 'search', req, timeout });
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

/** The first of several waits to settle; the later timeouts of the others are of no interest. */
function firstOf<T>(...waits: Promise<T>[]): Promise<T> {
  for (const wait of waits) wait.catch(() => {});
  return Promise.race(waits);
}

const USER = 'slskclient';
const PASS = 'interop-pass';
const QUERY = 'aphex windowlicker';
const SHARED = { filename: '@@music\\Aphex Twin\\Windowlicker.mp3', size: 12_345_678n, bitrate: 256 };

async function searchRoundTrip(t: TestContext, mode: 'branch root' | 'plain'): Promise<void> {
  const s = await startServer();
  let slskClient: SlskClientProcess | undefined;
  const closers: (() => Promise<void>)[] = [];
  try {
    // The account exists beforehand so a watcher can follow slsk-client's status from the start.
    await (await RawClient.login(s.port, USER, PASS)).close();
    const watcher = await RawClient.login(s.port, 'watcher');
    closers.push(() => watcher.close());
    watcher.send({ name: 'AddUser', username: USER });
    assert.equal((await watcher.next('AddUser')).exist, true);

    const responder = await PeerNode.start({
      serverPort: s.port,
      username: 'responder',
      files: [SHARED, { filename: '@@music\\Other\\Unrelated.mp3', size: 1n }],
      // Wait until slsk-client has taken our PeerInit, so the reply is not lost with it (see the report).
      afterPeerInit: async (user) => {
        assert.equal(user, USER);
        await slskClient?.events.wait((e) => e.type === 'peer-ready' && e.user === 'responder', 'slsk-client to take our PeerInit');
      },
    });
    closers.push(() => responder.close());
    if (mode === 'branch root') await responder.becomeRoot();

    slskClient = new SlskClientProcess({ user: USER, pass: PASS, port: s.port, incomingPort: await freePort() });
    await slskClient.connected();
    await watcher.next('GetUserStatus', (m) => m.username === USER && m.status === UserStatus.online);

    slskClient.search(QUERY, SEARCH_TIMEOUT_MS);
    const isTheSearch = (search: SeenSearch): boolean => search.username === USER && search.query === QUERY;
    // Either the search reaches the responder, or the server drops slsk-client before its search is read.
    const outcome = await firstOf<SeenSearch | 'dropped'>(
      responder.searches.wait(isTheSearch, 'the search from slsk-client at the responder'),
      watcher.next('GetUserStatus', (m) => m.username === USER && m.status === UserStatus.offline).then(() => 'dropped' as const),
    );
    if (outcome === 'dropped') {
      // slsk-client sends ToggleParentSearch's boolean as a uint32 right after login; a server that
      // refused the padded message would drop it here.
      assert.fail('the server logged slsk-client out before its search');
    }
    assert.equal(outcome.via, mode === 'branch root' ? 'ServerSearchRequest' : 'FileSearch');
    assert.equal(outcome.from, 'server');

    const expected: FoundFile = { user: 'responder', file: SHARED.filename, size: Number(SHARED.size), slots: true, bitrate: SHARED.bitrate, speed: 0 };
    // The reply went out over a direct P connection to slsk-client's listen port...
    const sent = await responder.repliesSent.wait((r) => r.to === USER, 'the responder to reply');
    assert.deepEqual(sent, { to: USER, ticket: outcome.ticket, files: [SHARED.filename] });
    const ready = await slskClient.events.wait((e) => e.type === 'peer-ready', 'slsk-client to take the connection');
    assert.deepEqual(ready, { type: 'peer-ready', user: 'responder', connectionType: 'P' });
    // ...slsk-client matched it to its search by ticket and parsed the file...
    const found = await slskClient.events.wait((e) => e.type === 'found', 'slsk-client to report the result');
    assert.deepEqual(found, { type: 'found', result: expected });
    // ...and its search callback, when the search time is up, lists exactly that file.
    const results = await slskClient.events.wait((e) => e.type === 'results', 'the search callback', SEARCH_TIMEOUT_MS + WAIT_MS);
    assert.deepEqual(results, { type: 'results', error: null, results: [expected] });
    assert.deepEqual(responder.problems, []);
    assert.equal(slskClient.events.items.filter((e) => e.type === 'client-error').length, 0, 'slsk-client saw no error');
  } catch (error) {
    if (slskClient !== undefined) t.diagnostic(`slsk-client log:\n${slskClient.stderr}`);
    throw error;
  } finally {
    await Promise.allSettled([slskClient?.stop(), ...closers.map((close) => close())]);
    await s.close();
  }
}

suite('slsk-client against the server', { concurrency: true }, () => {
  test('its search reaches a branch root (ServerSearchRequest) and the reply reaches its callback', (t) =>
    searchRoundTrip(t, 'branch root'));

  test('its search reaches a plain receiver (FileSearch) and the reply reaches its callback', (t) => searchRoundTrip(t, 'plain'));
});
