// `npm start`: a whole Soulseek network on this machine — our server on 127.0.0.1, two peers
// sharing small libraries of real (synthesized, encoded, tagged) music, and a chat host — so a
// newcomer sees everything work within minutes, with no account and no internet. Data lives in
// ./demo-data; a second run reuses it. Ctrl-C stops it all.

import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { parseArgs, styleText } from 'node:util';
import { destination } from 'pino';
import type { Client } from '../src/client/index.ts';
import { createLogger } from '../src/server/log.ts';
import { SoulseekServer } from '../src/server/server.ts';
import { generateLibrary, type GeneratedFile } from './audio/library.ts';
import { DAEMON_USER, DEMO_PASSWORD, HOST, PEERS, ROOM, VISITOR } from './catalog.ts';
import { DemoDaemon, type DaemonReady } from './daemon-process.ts';
import { startHost } from './host.ts';
import { PeerProcess, type PeerEvent } from './peer-process.ts';

const DEFAULT_PORT = 2242;
/** The daemon's usual API port (slsk daemon's default). */
const DEFAULT_API_PORT = 5030;
const ONLINE_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 10_000;
/** Signals this soon after the first are the same Ctrl-C arriving twice (from the terminal and from npm). */
const SAME_INTERRUPT_MS = 2000;

const HELP = `npm start: run a whole Soulseek network on this machine, to try slsk-ts.

Usage: npm start [-- --data DIR] [-- --port N] [-- --api-port N]

It starts, in one process tree:
  - our Soulseek server on 127.0.0.1 (port ${DEFAULT_PORT}, or a free one if that is taken)
  - two peers, alice and bob, each a 'slsk share' process sharing a small library of music that is
    generated on the first run (MP3 and FLAC, tagged, with real bitrates and durations)
  - ${HOST}, who sits in the chat room "${ROOM}" and answers private messages
  - a daemon ('slsk daemon', logged in as ${DAEMON_USER}) with its HTTP API on 127.0.0.1
then prints the commands to try from another terminal (and how to reach the daemon's API: the
web login's password and the token for curl), and shows what the peers do.

Options:
  --data DIR   where everything is kept (default ./demo-data): the music, the server's database and
               log, each peer's index and queue. A second run reuses it; delete it to start afresh
  --port N     the server's port (default ${DEFAULT_PORT}; 0 picks a free one)
  --api-port N the daemon's API port (default ${DEFAULT_API_PORT}, or a free one if that is taken; 0 picks a free one)
  -h, --help   this text

Ctrl-C stops the daemon, the peers, the host and the server, and exits.

Examples:
  npm start
  npm start -- --port 0 --data /tmp/slsk-demo
`;

interface Options {
  dataDir: string;
  port: number | undefined;
  apiPort: number | undefined;
}

function parseOptions(argv: string[]): Options | 'help' {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { data: { type: 'string' }, port: { type: 'string' }, 'api-port': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
  });
  if (values.help === true) return 'help';
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  const portOption = (name: string, value: string | undefined): number | undefined => {
    if (value === undefined) return undefined;
    const port = /^\d+$/.test(value) ? Number(value) : NaN;
    if (!(port >= 0 && port <= 65535)) throw new UsageError(`--${name} must be a whole number from 0 to 65535, got ${JSON.stringify(value)}`);
    return port;
  };
  if (values.data === '') throw new UsageError('--data needs a folder, such as ./demo-data');
  return { dataDir: resolve(values.data ?? 'demo-data'), port: portOption('port', values.port), apiPort: portOption('api-port', values['api-port']) };
}

class UsageError extends Error {}

const bold = (text: string): string => (process.stdout.isTTY ? styleText('bold', text) : text);
const dim = (text: string): string => (process.stdout.isTTY ? styleText('dim', text) : text);
const say = (line = ''): void => void process.stdout.write(`${line}\n`);

/** A path as the user would type it from here: relative when inside the current folder. */
function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

/** The shares path other users see: the shared folder's name, then the path inside, with backslashes. */
function virtualPath(folder: string, file: string): string {
  return [folder.split(sep).at(-1)!, ...relative(folder, file).split(sep)].join('\\');
}

async function generateMusic(dataDir: string, signal: AbortSignal): Promise<Map<string, GeneratedFile[]>> {
  const libraries = new Map<string, GeneratedFile[]>();
  const total = PEERS.reduce((n, peer) => n + peer.albums.reduce((m, album) => m + album.tracks.length, 0), 0);
  let done = 0;
  for (const peer of PEERS) {
    const files = await generateLibrary(musicFolder(dataDir, peer.username), peer.albums, {
      signal,
      onProgress: () => {
        done++;
        if (process.stdout.isTTY) process.stdout.write(`\rPreparing the demo music… ${done}/${total}`);
      },
    });
    libraries.set(peer.username, files);
  }
  // Erase the progress line; a line of its own only when this run made files (the first one does).
  if (process.stdout.isTTY) process.stdout.write('\r\x1b[K');
  const made = [...libraries.values()].flat().filter((file) => !file.reused).length;
  if (made > 0) say(`Made the demo music: ${made} files in ${shown(join(dataDir, 'alice'))} and ${shown(join(dataDir, 'bob'))}.`);
  return libraries;
}

const musicFolder = (dataDir: string, username: string): string => join(dataDir, username, 'Music');

async function startServer(dataDir: string, port: number | undefined): Promise<{ server: SoulseekServer; note?: string }> {
  const serverDir = join(dataDir, 'server');
  mkdirSync(serverDir, { recursive: true });
  const start = (listenPort: number) =>
    SoulseekServer.start({
      host: '127.0.0.1',
      port: listenPort,
      dataDir: serverDir,
      motd: 'Welcome to the slsk-ts demo network!',
      // Every peer of the demo, and any client you add, comes from 127.0.0.1: the per-address
      // limits are raised for this network of one machine.
      limits: { registrationsPerHourPerIp: 1000, failedConnectionsPerMinutePerIp: 600, pendingLoginsPerIp: 1000 },
      logger: createLogger('info', destination({ dest: join(dataDir, 'server.log'), sync: false, mkdir: true })),
    });
  try {
    return { server: await start(port ?? DEFAULT_PORT) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    if (port !== undefined) throw new UsageError(`port ${port} is already in use: pick another with --port, or --port 0 for any free one`);
    const server = await start(0);
    return { server, note: `port ${DEFAULT_PORT} is taken (another server?), so the demo uses ${server.port}` };
  }
}

/** The API port to give the daemon: the one asked for, else the usual one if it is free, else any free one. */
async function daemonApiPort(asked: number | undefined): Promise<{ port: number; note?: string }> {
  if (asked !== undefined) return { port: asked };
  const free = await new Promise<boolean>((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(DEFAULT_API_PORT, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
  return free ? { port: DEFAULT_API_PORT } : { port: 0, note: `port ${DEFAULT_API_PORT} is taken (another daemon?), so the demo daemon's API uses a free one` };
}

/** One line per thing worth seeing: searches answered, browses, uploads queued, done or failed. */
function describe(peer: string, event: PeerEvent): string | undefined {
  const name = typeof event['filename'] === 'string' ? event['filename'].split('\\').at(-1) : '';
  switch (event.event) {
    case 'search':
      return `${peer}: ${String(event['user'])} searched ${JSON.stringify(event['query'])} → ${String(event['files'])} files`;
    case 'browse':
      return `${peer}: ${String(event['user'])} browsed the shares`;
    case 'upload':
      if (event['state'] === 'queued' && event['previous'] === null) return `${peer}: ${String(event['user'])} asked for ${name}`;
      if (event['state'] === 'completed') return `${peer}: sent ${name} to ${String(event['user'])}`;
      if (event['state'] === 'failed') return `${peer}: could not send ${name} to ${String(event['user'])}: ${String(event['reason'])}`;
      return undefined;
    case 'warning':
      return `${peer}: ${String(event['message'])}`;
    default:
      return undefined;
  }
}

function printTour(server: SoulseekServer, dataDir: string, libraries: Map<string, GeneratedFile[]>, counts: Map<string, number>, daemon: DaemonReady): void {
  const address = `127.0.0.1:${server.port}`;
  const alice = libraries.get('alice') ?? [];
  const example = alice.find((file) => file.path.endsWith('.mp3')) ?? alice[0];
  const downloads = shown(join(dataDir, 'downloads'));
  const peers = [...counts].map(([name, files]) => `${name} shares ${files} files`).join(', ');
  say();
  say(bold('The slsk-ts demo network is running.'));
  say(`  server  ${address}   ${dim(`(database in ${shown(join(dataDir, 'server'))}, log in ${shown(join(dataDir, 'server.log'))})`)}`);
  say(`  peers   ${peers}   ${dim("(each a 'slsk share' process)")}`);
  say(`  chat    ${HOST} is in room "${ROOM}"`);
  say(`  daemon  ${daemon.url}   logged in as ${DAEMON_USER}   ${dim(`(data in ${shown(join(dataDir, 'daemon'))})`)}`);
  say();
  say(bold("The daemon's web UI and API:"));
  say(`  web UI     ${daemon.url}/   ${dim('(log in with the web login below)')}`);
  say(`  docs       ${daemon.url}/api/v1/docs`);
  if (daemon.webLogin !== undefined) {
    say(`  web login  ${daemon.webLogin.username} / ${daemon.webLogin.password}   ${dim(`(made on its first start; delete ${shown(daemon.authFile)} for a new one)`)}`);
  } else {
    say(`  web login  admin, with the password printed on its first start   ${dim(`(delete ${shown(daemon.authFile)} for a new one on the next start)`)}`);
  }
  say(`  curl -H "Authorization: Bearer $(cat ${shown(daemon.tokenFile)})" ${daemon.url}/api/v1/application`);
  say();
  say(bold('Try it from another terminal, in this folder:'));
  say(`  export SLSK_SERVER=${address} SLSK_USERNAME=${VISITOR} SLSK_PASSWORD=${DEMO_PASSWORD}`);
  say(`  npx slsk search drift --timeout 5     ${dim('replies come within a second; a search listens for 15 s by default')}`);
  say('  npx slsk browse alice');
  if (example !== undefined) say(`  npx slsk download alice '${virtualPath(musicFolder(dataDir, 'alice'), example.path)}' --to ${downloads}`);
  say(`  npx slsk get salt timber --timeout 5 --to ${downloads}`);
  say(`  npx slsk chat ${ROOM}`);
  say(`  npx slsk --help          ${dim('every command, with an example')}`);
  say();
  say(`What the peers do shows below. ${bold('Ctrl-C')} stops everything.`);
}

async function main(argv: string[]): Promise<number> {
  let options: Options | 'help';
  try {
    options = parseOptions(argv);
  } catch (error) {
    process.stderr.write(`npm start: ${error instanceof Error ? error.message : String(error)}\nRun 'npm start -- --help' for the options.\n`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  const { dataDir } = options;
  say(bold('slsk-ts demo: a whole Soulseek network on this machine'));

  const peers: PeerProcess[] = [];
  let daemon: DemoDaemon | undefined;
  let host: Client | undefined;
  let server: SoulseekServer | undefined;
  // Whatever happens, no peer process outlives the demo.
  process.on('exit', () => {
    for (const peer of peers) peer.killNow();
    daemon?.killNow();
  });
  const stop = async (): Promise<void> => {
    await Promise.all([...peers.map((peer) => peer.stop(STOP_TIMEOUT_MS)), daemon?.stop(STOP_TIMEOUT_MS)]);
    await host?.close();
    await server?.close();
  };

  // Ends the music making when Ctrl-C comes before the network is up.
  const interruption = new AbortController();
  let interruptedAt: number | undefined;
  let resolveInterrupt!: () => void;
  const interrupted = new Promise<void>((resolve) => (resolveInterrupt = resolve));
  const onSignal = (): void => {
    const now = Date.now();
    if (interruptedAt === undefined) {
      interruptedAt = now;
      interruption.abort();
      resolveInterrupt();
    } else if (now - interruptedAt > SAME_INTERRUPT_MS) {
      process.stderr.write('Stopping at once.\n');
      process.exit(130);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    const libraries = await generateMusic(dataDir, interruption.signal);
    const started = await startServer(dataDir, options.port);
    server = started.server;
    if (started.note !== undefined) say(started.note);
    const address = `127.0.0.1:${server.port}`;
    for (const peer of PEERS) {
      peers.push(
        new PeerProcess({
          username: peer.username,
          password: DEMO_PASSWORD,
          server: address,
          folder: musicFolder(dataDir, peer.username),
          dataDir: join(dataDir, peer.username, 'state'),
          onEvent: (event) => {
            const line = describe(peer.username, event);
            if (line !== undefined) say(line);
          },
        }),
      );
    }
    const api = await daemonApiPort(options.apiPort);
    if (api.note !== undefined) say(api.note);
    daemon = new DemoDaemon({ username: DAEMON_USER, password: DEMO_PASSWORD, server: address, dataDir: join(dataDir, 'daemon'), apiPort: api.port });
    const everyone = Promise.all([Promise.all(peers.map((peer) => peer.online(ONLINE_TIMEOUT_MS))), daemon.ready(ONLINE_TIMEOUT_MS)]);
    // (A failure after Ctrl-C won the race is nobody's concern.)
    everyone.catch(() => {});
    const online = await Promise.race([everyone, interrupted]);
    if (online !== undefined) {
      const [peersOnline, daemonReady] = online;
      host = await startHost({ server: address, username: HOST, password: DEMO_PASSWORD, room: ROOM, tip: 'Try: slsk search drift --timeout 5' });
      const counts = new Map(peersOnline.map((event, i) => [peers[i]!.username, Number(event['files'])]));
      printTour(server, dataDir, libraries, counts, daemonReady);
      await interrupted;
    }
    say('Stopping the demo network…');
    await stop();
    say('Stopped.');
    return 0;
  } catch (error) {
    if (interruption.signal.aborted) {
      // Files finished so far are kept; the next start makes the rest.
      await stop().catch(() => {});
      say('Stopped.');
      return 130;
    }
    process.stderr.write(`npm start: ${error instanceof Error ? error.message : String(error)}\n`);
    if (error instanceof UsageError) return 2;
    await stop().catch(() => {});
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
