// `slsk search` through a running daemon: starts the search with POST /api/v1/searches and shows it as
// the direct search does (the live count, the same table or JSON Lines, the same summary and exit codes).
// The events only say when to look: the responses themselves are read in pages from the daemon's store
// (GET .../responses?after=seq), so a missed or dropped event (a `resync`) loses nothing, and the order
// is the order they arrived in.

import type { SearchEnd, SearchResponse, SharedFile } from '../client/index.ts';
import type { SearchRecordJson, SearchResponseJson } from '../daemon/http/search-routes.ts';
import { writeOut } from './command.ts';
import { ClientExit } from './client-options.ts';
import { openDaemonEvents, Wakeup } from './daemon-events.ts';
import type { DaemonSession } from './daemon-link.ts';
import { jsonLine, liveCount, table, type SearchPlan } from './commands/search.ts';
import { plural } from './format.ts';
import { formatJson } from './json.ts';

/** The daemon's bounds on a search's timeout (StartSearchRequest). */
const MIN_TIMEOUT_MS = 1000;
const MAX_TIMEOUT_MS = 600_000;
const PAGE = 1000;
/** With no event, the search's state is checked this often anyway: a safety net, not the pace. */
export const CHECK_MS = 2000;

const FINISHED = new Set<SearchRecordJson['state']>(['completed', 'cancelled', 'errored']);

/** A stored response in the client library's shape, so the table and the JSON lines are the direct search's own. */
function asResponse(response: SearchResponseJson): SearchResponse {
  return {
    username: response.username,
    ticket: 0,
    slotsFree: response.hasFreeUploadSlot,
    avgSpeed: response.uploadSpeed,
    queueLength: response.queueLength,
    files: response.files.map(
      (file): SharedFile => ({
        filename: file.filename,
        size: BigInt(Math.max(0, Math.trunc(file.size))),
        extension: file.extension,
        locked: file.locked,
        attributes: [],
        ...(file.bitrate === undefined ? {} : { bitrate: file.bitrate }),
        ...(file.duration === undefined ? {} : { duration: file.duration }),
        ...(file.sampleRate === undefined ? {} : { sampleRate: file.sampleRate }),
        ...(file.bitDepth === undefined ? {} : { bitDepth: file.bitDepth }),
        ...(file.vbr === undefined ? {} : { vbr: file.vbr }),
      }),
    ),
  };
}

function scopeBody(plan: SearchPlan): { scope: 'network' | 'room' | 'user'; target?: string } {
  switch (plan.scope.kind) {
    case 'room':
      return { scope: 'room', target: plan.scope.room };
    case 'user':
      return { scope: 'user', target: plan.scope.username };
    default:
      return { scope: 'network' };
  }
}

export interface DaemonSearchResult {
  readonly record: SearchRecordJson;
  readonly responses: SearchResponse[];
  readonly fileCount: number;
  readonly users: ReadonlySet<string>;
  readonly timeoutMs: number;
}

/**
 * Runs a search in the daemon until it ends (its timeout, --max, or Ctrl-C, which stops it), calling
 * `onResponse` for each response in arrival order and `onCount` after each page.
 */
export async function collectViaDaemon(
  session: DaemonSession,
  plan: SearchPlan,
  onResponse: (response: SearchResponse) => void,
  onCount: (files: number, users: number) => void,
): Promise<DaemonSearchResult> {
  const { api, io, signal } = session;
  const timeoutMs = Math.min(Math.max(plan.timeoutMs, MIN_TIMEOUT_MS), MAX_TIMEOUT_MS);
  if (plan.timeoutMs > MAX_TIMEOUT_MS) io.stderr.write(`slsk: warning: the daemon searches for at most ${MAX_TIMEOUT_MS / 1000} s; searching that long\n`);

  const responses: SearchResponse[] = [];
  const users = new Set<string>();
  let fileCount = 0;
  let after: number | undefined;
  let id: string | undefined;
  const wakeup = new Wakeup();
  const nudge = (): void => wakeup.nudge();
  const stream = await openDaemonEvents(session, ['searchResponses', 'searchState'], (event) => {
    // Before POST answers we do not know our id yet: any search event is worth a look.
    if (event.event === 'resync' || ('searchId' in event.data && (id === undefined || event.data.searchId === id))) nudge();
  });
  let stopping: Promise<unknown> = Promise.resolve();
  const onAbort = (): void => {
    if (id !== undefined) stopping = api.stopSearch({ params: { id } }).catch(() => {});
    nudge();
  };
  let record: SearchRecordJson;
  try {
    // Not given the signal: a search the daemon started must be known to be stopped, so Ctrl-C stops it below.
    record = await api.startSearch({ body: { query: plan.query, ...scopeBody(plan), timeoutMs, maxResults: plan.maxResults } });
    id = record.id;
    const searchId = id;
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) onAbort();

    const drain = async (): Promise<void> => {
      for (;;) {
        const page = await api.searchResponses({ params: { id: searchId }, query: { limit: PAGE, ...(after === undefined ? {} : { after }) } });
        for (const stored of page) {
          after = stored.seq;
          const response = asResponse(stored);
          responses.push(response);
          users.add(response.username);
          fileCount += response.files.length;
          onResponse(response);
        }
        onCount(fileCount, users.size);
        if (page.length < PAGE) return;
      }
    };
    for (;;) {
      await wakeup.wait(CHECK_MS);
      await drain();
      record = await api.search({ params: { id: searchId } });
      if (FINISHED.has(record.state)) {
        // The daemon stores a search's last responses before it marks it ended: this read has them all.
        await drain();
        break;
      }
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    stream.close();
    await stopping;
  }
  return { record, responses, fileCount, users, timeoutMs };
}

/** How a daemon search ended, in the direct search's terms. */
export function endReasonOf(result: DaemonSearchResult, plan: SearchPlan, signal: AbortSignal): SearchEnd {
  const { record } = result;
  if (record.state === 'completed') return result.fileCount >= plan.maxResults ? 'limit' : 'timeout';
  if (record.state === 'errored') return 'disconnected';
  return signal.aborted ? 'aborted' : 'stopped';
}

export async function searchViaDaemon(session: DaemonSession, plan: SearchPlan, json: boolean): Promise<number> {
  const { io, signal } = session;
  let writing = Promise.resolve();
  const progress = liveCount(io, Math.min(Math.max(plan.timeoutMs, MIN_TIMEOUT_MS), MAX_TIMEOUT_MS));
  let result: DaemonSearchResult;
  try {
    result = await collectViaDaemon(
      session,
      plan,
      (response) => {
        if (!json) return;
        const lines = response.files.map((file) => formatJson(jsonLine(response, file), false) + '\n').join('');
        writing = writing.then(() => writeOut(io.stdout, lines));
      },
      (files, users) => progress.update(files, users),
    );
  } finally {
    progress.stop();
  }
  await writing;

  const { responses, fileCount, users, timeoutMs } = result;
  if (!json) await writeOut(io.stdout, responses.length === 0 ? `No results for ${JSON.stringify(plan.query)}.\n` : table(responses, io));
  const endReason = endReasonOf(result, plan, signal);
  const why: Record<SearchEnd, string> = {
    timeout: `searched for ${timeoutMs / 1000} s`,
    limit: `stopped at --max ${plan.maxResults}`,
    aborted: 'stopped with Ctrl-C',
    stopped: 'stopped',
    disconnected: "the daemon's connection to the server was lost",
  };
  io.stderr.write(`${plural(fileCount, 'file')} from ${plural(users.size, 'user')} (${why[endReason]})\n`);
  if (endReason === 'disconnected') {
    io.stderr.write(`slsk search: the daemon at ${session.link.url} lost its connection to the server\n`);
    return ClientExit.serverUnreachable;
  }
  return ClientExit.ok;
}
