// Load generator for bench/server.ts: holds a slice of the benchmark's sessions as bare sockets
// (node:net + FrameReader/encode/decode, no client library), and on the orchestrator's request logs
// them in, joins rooms, chats at a set rate, and sends searches, timing what arrives.
//
// Per session it keeps one socket, one FrameReader and one small object; frames are told apart by
// their code and decoded only when a figure needs their content (Login, JoinRoom, searches and a
// sample of room messages).
//
//   started by bench/server.ts as: node bench/server-load.ts '<json options>'

import { createHash } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { FrameReader, decode, serverRequest } from '../src/protocol/index.ts';
import { Reservoir, nowMs, serveRpc, sleep, type LoadStats } from './server-ipc.ts';

export interface LoadOptions {
  port: number;
  /** Global session indices this generator holds: [from, to). */
  from: number;
  to: number;
  /** Sessions per loopback source address: index i connects from 127.0.0.(2 + floor(i / perAddress)). */
  perAddress: number;
  password: string;
  usernamePrefix: string;
}

const options = JSON.parse(process.argv[2] ?? '{}') as LoadOptions;

const CODE = { login: 1, roomChat: 13, joinRoom: 14, fileSearch: 26, kicked: 41, serverSearch: 93 } as const;

class Client {
  readonly idx: number;
  readonly username: string;
  readonly localAddress: string;
  conn: Conn | undefined;
  room: string | undefined;
  constructor(idx: number) {
    this.idx = idx;
    this.username = `${options.usernamePrefix}${idx}`;
    const octet = 2 + Math.floor(idx / options.perAddress);
    if (octet > 254) throw new Error(`session ${idx} needs source address 127.0.0.${octet}: raise perAddress`);
    this.localAddress = `127.0.0.${octet}`;
  }
}

class Conn {
  client: Client | undefined;
  readonly socket: Socket;
  readonly reader = new FrameReader('server');
  waitCode = -1;
  waitDone: ((frame: Uint8Array | undefined, error?: string) => void) | undefined;
  closed = false;
  constructor(socket: Socket) {
    this.socket = socket;
  }
}

const clients: Client[] = [];
for (let i = options.from; i < options.to; i++) clients.push(new Client(i));
const byName = new Map(clients.map((c) => [c.username, c]));

const counters = {
  kicked: 0,
  /** Sessions that were online and got closed by the server (not replaced by a re-login). */
  dropped: 0,
  frameErrors: 0,
  decodeErrors: 0,
  otherFrames: 0,
};

const chat = {
  recv: 0,
  inWindow: 0,
  windowStart: Number.POSITIVE_INFINITY,
  windowEnd: Number.NEGATIVE_INFINITY,
  lastRecvAt: 0,
  latency: new Reservoir(200_000),
};
/** Decode one room message in this many for its latency; the rest are only counted. */
const CHAT_SAMPLE_EVERY = 8;

interface SearchTally {
  expected: number;
  count: number;
  maxLatency: number;
  reported: boolean;
}
const searches = new Map<number, SearchTally>();
const searchLatency = new Reservoir(1_000_000);

const rpc = serveRpc({
  stats: (): LoadStats & typeof counters => ({
    cpuUs: cpuUs(),
    eluActiveMs: performance.eventLoopUtilization().active,
    online: onlineCount(),
    at: Date.now(),
    ...counters,
  }),
  login: (args: { concurrency: number; timeoutMs: number }) => loginAll(clients, args.concurrency, args.timeoutMs, 'login'),
  relogin: (args: { count: number; concurrency: number; timeoutMs: number }) =>
    loginAll(
      clients.filter((c) => c.conn !== undefined).slice(0, args.count),
      args.concurrency,
      args.timeoutMs,
      'relogin',
    ),
  join: (args: { roomSize: number; concurrency: number; participantsEvery: number; timeoutMs: number }) => joinAll(args),
  chat: (args: { startAt: number; endAt: number; rate: number; roomSize: number; maxDrainMs: number }) => chatStep(args),
  expectSearch: (args: { ticket: number; searcher: string }) => {
    const expected = onlineCount() - (byName.get(args.searcher)?.conn !== undefined ? 1 : 0);
    const tally: SearchTally = { expected, count: 0, maxLatency: 0, reported: false };
    searches.set(args.ticket, tally);
    if (expected === 0) report(args.ticket, tally);
    return expected;
  },
  sendSearch: (args: { searcher: string; ticket: number }) => {
    const conn = byName.get(args.searcher)?.conn;
    if (conn === undefined) throw new Error(`${args.searcher} is not online`);
    const sentAt = nowMs();
    conn.socket.write(serverRequest.FileSearch({ ticket: args.ticket, query: `bench ${sentAt.toFixed(4)}` }));
    return sentAt;
  },
  searchStatus: (args: { ticket: number }) => searches.get(args.ticket),
  searchLatencies: () => searchLatency.take(),
  shutdown: () => {
    for (const c of clients) c.conn?.socket.destroy();
    setTimeout(() => process.exit(0), 50);
    return true;
  },
});

function cpuUs(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

function onlineCount(): number {
  let n = 0;
  for (const c of clients) if (c.conn !== undefined) n++;
  return n;
}

function report(ticket: number, tally: SearchTally): void {
  tally.reported = true;
  rpc.emit('searchDone', { ticket, count: tally.count, maxLatency: tally.maxLatency });
}

// ---- sockets and frames ----------------------------------------------------------------------------

function open(client: Client): Conn {
  const socket = connect({ host: '127.0.0.1', port: options.port, localAddress: client.localAddress, noDelay: true });
  const conn = new Conn(socket);
  socket.on('data', (chunk: Buffer) => onData(conn, chunk));
  socket.on('error', (error: NodeJS.ErrnoException) => settle(conn, undefined, error.code ?? error.message));
  socket.on('close', () => {
    conn.closed = true;
    settle(conn, undefined, 'closed by the server');
    const c = conn.client;
    if (c !== undefined && c.conn === conn) {
      c.conn = undefined;
      counters.dropped++;
    }
  });
  return conn;
}

function settle(conn: Conn, frame: Uint8Array | undefined, error?: string): void {
  const done = conn.waitDone;
  if (done === undefined) return;
  conn.waitDone = undefined;
  conn.waitCode = -1;
  done(frame, error);
}

/** Resolves with the next frame of `code` on this connection; rejects on close, error or timeout. */
function expect(conn: Conn, code: number, timeoutMs: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => settle(conn, undefined, 'timeout'), timeoutMs);
    conn.waitCode = code;
    conn.waitDone = (frame, error) => {
      clearTimeout(timer);
      if (frame !== undefined) resolve(frame);
      else reject(new Error(error ?? 'failed'));
    };
  });
}

function onData(conn: Conn, chunk: Buffer): void {
  let frames: Uint8Array[];
  try {
    frames = conn.reader.push(chunk);
  } catch {
    counters.frameErrors++;
    conn.socket.destroy();
    return;
  }
  for (const frame of frames) {
    const code = (frame[4]! | (frame[5]! << 8) | (frame[6]! << 16)) + frame[7]! * 0x100_0000;
    switch (code) {
      case CODE.roomChat:
        onRoomMessage(frame);
        break;
      case CODE.fileSearch:
      case CODE.serverSearch:
        onSearch(frame);
        break;
      case CODE.kicked:
        counters.kicked++;
        break;
      default:
        if (code !== conn.waitCode) counters.otherFrames++;
    }
    if (code === conn.waitCode) settle(conn, frame);
  }
}

function onRoomMessage(frame: Uint8Array): void {
  const at = nowMs();
  chat.recv++;
  chat.lastRecvAt = at;
  if (at >= chat.windowStart && at <= chat.windowEnd) chat.inWindow++;
  if (chat.recv % CHAT_SAMPLE_EVERY !== 0) return;
  try {
    const m = decode('server', 'response', frame);
    if (m.name === 'RoomChatMessage') chat.latency.add(at - Number(m.message));
  } catch {
    counters.decodeErrors++;
  }
}

function onSearch(frame: Uint8Array): void {
  const at = nowMs();
  let ticket: number;
  let query: string;
  try {
    const m = decode('server', 'response', frame);
    if (m.name === 'FileSearch' || m.name === 'ServerSearchRequest') {
      ticket = m.ticket;
      query = m.query;
    } else return;
  } catch {
    counters.decodeErrors++;
    return;
  }
  const tally = searches.get(ticket);
  if (tally === undefined || !query.startsWith('bench ')) return;
  const latency = at - Number(query.slice(6));
  tally.count++;
  if (latency > tally.maxLatency) tally.maxLatency = latency;
  searchLatency.add(latency);
  if (!tally.reported && tally.count >= tally.expected) report(ticket, tally);
}

// ---- phases ----------------------------------------------------------------------------------------

const md5 = (text: string): string => createHash('md5').update(text).digest('hex');

interface LoginResult {
  ok: number;
  failed: number;
  errors: Record<string, number>;
  latencies: Float64Array;
  ms: number;
}

async function loginOne(client: Client, timeoutMs: number): Promise<string | undefined> {
  const conn = open(client);
  conn.socket.write(
    serverRequest.Login({
      username: client.username,
      password: options.password,
      version: 160,
      md5Hash: md5(client.username + options.password),
      minorVersion: 1,
    }),
  );
  let problem: string | undefined;
  try {
    const frame = await expect(conn, CODE.login, timeoutMs);
    const m = decode('server', 'response', frame);
    if (m.name !== 'Login') problem = 'unexpected reply';
    else if (!m.result) problem = `refused: ${m.failureReason ?? '?'}`;
  } catch (error) {
    problem = (error as Error).message;
  }
  if (problem !== undefined) {
    conn.socket.destroy();
    return problem;
  }
  // A re-login replaces the session: the old socket hears Kicked and is closed by the server.
  const old = client.conn;
  if (old !== undefined) old.client = undefined;
  conn.client = client;
  client.conn = conn;
  return undefined;
}

async function loginAll(list: Client[], concurrency: number, timeoutMs: number, phase: string): Promise<LoginResult> {
  const started = nowMs();
  const latencies = new Float64Array(list.length);
  const errors: Record<string, number> = {};
  let ok = 0;
  let failed = 0;
  let next = 0;
  const progress = setInterval(() => rpc.emit('progress', { phase, ok, failed, total: list.length }), 500);
  const worker = async (): Promise<void> => {
    while (next < list.length) {
      const client = list[next++]!;
      const t0 = nowMs();
      const problem = await loginOne(client, timeoutMs);
      if (problem === undefined) latencies[ok++] = nowMs() - t0;
      else {
        failed++;
        errors[problem] = (errors[problem] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, list.length)) }, worker));
  clearInterval(progress);
  return { ok, failed, errors, latencies: latencies.slice(0, ok), ms: nowMs() - started };
}

async function joinAll(args: { roomSize: number; concurrency: number; participantsEvery: number; timeoutMs: number }) {
  const started = nowMs();
  const list = clients.filter((c) => c.conn !== undefined);
  const roomMembers: Record<string, number> = {};
  const errors: Record<string, number> = {};
  let joined = 0;
  let participants = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < list.length) {
      const client = list[next++]!;
      const conn = client.conn;
      if (conn === undefined) continue;
      const roomName = `room${Math.floor(client.idx / args.roomSize)}`;
      // Some users take part in the distributed network as branch roots: searches reach them as
      // ServerSearchRequest, the others as FileSearch.
      if (client.idx % args.participantsEvery === 0) {
        conn.socket.write(serverRequest.BranchLevel({ level: 0 }));
        participants++;
      }
      conn.socket.write(serverRequest.JoinRoom({ roomName }));
      try {
        await expect(conn, CODE.joinRoom, args.timeoutMs);
        client.room = roomName;
        roomMembers[roomName] = (roomMembers[roomName] ?? 0) + 1;
        joined++;
      } catch (error) {
        const key = (error as Error).message;
        errors[key] = (errors[key] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(args.concurrency, list.length)) }, worker));
  return { joined, participants, errors, roomMembers, ms: nowMs() - started };
}

async function chatStep(args: { startAt: number; endAt: number; rate: number; roomSize: number; maxDrainMs: number }) {
  const senders = clients.filter((c) => c.conn !== undefined && c.room !== undefined && c.idx % args.roomSize === 0);
  chat.recv = 0;
  chat.inWindow = 0;
  chat.windowStart = args.startAt;
  chat.windowEnd = args.endAt;
  chat.latency.take();
  const sentPerRoom: Record<string, number> = {};
  let sent = 0;
  const waitStart = args.startAt - nowMs();
  if (waitStart > 0) await sleep(waitStart);
  if (senders.length > 0 && args.rate > 0) {
    await new Promise<void>((resolve) => {
      const tick = (): void => {
        const now = nowMs();
        const due = Math.floor((Math.min(now, args.endAt) - args.startAt) * (args.rate / 1000));
        while (sent < due) {
          const sender = senders[sent % senders.length]!;
          const conn = sender.conn;
          sent++;
          if (conn === undefined || sender.room === undefined) continue;
          conn.socket.write(serverRequest.RoomChatMessage({ roomName: sender.room, message: nowMs().toFixed(4) }));
          sentPerRoom[sender.room] = (sentPerRoom[sender.room] ?? 0) + 1;
        }
        if (now >= args.endAt) {
          clearInterval(timer);
          resolve();
        }
      };
      const timer = setInterval(tick, 2);
    });
  } else {
    await sleep(Math.max(0, args.endAt - nowMs()));
  }
  // Drain: wait until room messages stop arriving.
  const drainUntil = nowMs() + args.maxDrainMs;
  chat.lastRecvAt = Math.max(chat.lastRecvAt, nowMs());
  while (nowMs() < drainUntil && nowMs() - chat.lastRecvAt < 300) await sleep(25);
  return {
    sent: Object.values(sentPerRoom).reduce((a, b) => a + b, 0),
    senders: senders.length,
    sentPerRoom,
    recv: chat.recv,
    inWindow: chat.inWindow,
    latencies: chat.latency.take(),
    drained: nowMs() - chat.lastRecvAt >= 300,
  };
}

rpc.emit('ready', { sessions: clients.length, pid: process.pid });
