// slskd's search routes over DaemonSearches. A search is in progress (slskd's "InProgress") from the
// POST until it ends, so soularr's "poll while InProgress" waits the whole search; its responses stay
// readable until DELETE (the Lidarr plugins read them again later). slskd's response filter
// (filterResponses with a minimum upload speed and a maximum queue) becomes our search filter, so the
// counts match what is kept.

import type { Handlers } from '../http/route.ts';
import type { SearchRecord, StoredResponse } from '../store/index.ts';
import type { SharedFile } from '../../model/files.ts';
import type { SlskdRoutes } from './routes.ts';
import type { Search, SearchFile, SearchRequest, SearchResponse } from './schemas.ts';
import { dotnetDate, queryBool, searchStateText, tokenOf, type SearchEnd } from './format.ts';
import { asSlskd } from './errors.ts';
import { notFound } from '../http/errors.ts';
import type { SlskdDeps } from './deps.ts';

type SearchRoutes = Pick<SlskdRoutes, 'v0StartSearch' | 'v0Searches' | 'v0Search' | 'v0SearchResponses' | 'v0StopSearch' | 'v0DeleteSearch'>;

/** slskd's defaults (SearchRequest). */
const DEFAULT_TIMEOUT_MS = 15_000;
const DEFAULT_MAX_QUEUE = 1_000_000;
/** Our searches last at least a second and at most ten minutes (the v1 route's bounds). */
const MIN_TIMEOUT_MS = 1000;
const MAX_TIMEOUT_MS = 600_000;
/** File limits remembered to tell "Completed, FileLimitReached" from "Completed, TimedOut": the newest this many searches. */
const REMEMBERED_LIMITS = 1000;
const PAGE = 1000;

export function searchFileJson(file: SharedFile): SearchFile {
  return {
    ...(file.bitDepth === undefined ? {} : { bitDepth: file.bitDepth }),
    ...(file.bitrate === undefined ? {} : { bitRate: file.bitrate }),
    code: 1,
    extension: file.extension,
    filename: file.filename,
    ...(file.vbr === undefined ? {} : { isVariableBitRate: file.vbr }),
    ...(file.duration === undefined ? {} : { length: file.duration }),
    ...(file.sampleRate === undefined ? {} : { sampleRate: file.sampleRate }),
    size: Number(file.size),
    isLocked: file.locked,
  };
}

export function responseJson(response: StoredResponse, token: number): SearchResponse {
  const files = response.files.filter((file) => !file.locked).map(searchFileJson);
  const lockedFiles = response.files.filter((file) => file.locked).map(searchFileJson);
  return {
    fileCount: files.length,
    files,
    hasFreeUploadSlot: response.slotsFree,
    lockedFileCount: lockedFiles.length,
    lockedFiles,
    queueLength: response.queueLength,
    token,
    uploadSpeed: response.avgSpeed,
    username: response.username,
  };
}

/** slskd's filterResponses terms in our filter syntax (minimumResponseFileCount has no counterpart: a response is not filtered by its size). */
export function filterText(request: SearchRequest): string {
  if (request.filterResponses === false) return '';
  const terms: string[] = [];
  if ((request.minimumPeerUploadSpeed ?? 0) > 0) terms.push(`speed:>=${request.minimumPeerUploadSpeed}`);
  const maxQueue = request.maximumPeerQueueLength ?? DEFAULT_MAX_QUEUE;
  if (maxQueue < DEFAULT_MAX_QUEUE) terms.push(`queue:<${maxQueue}`);
  return terms.join(' ');
}

export function searchHandlers(deps: SlskdDeps): Handlers<SearchRoutes> {
  const { searches } = deps;
  const fileLimits = new Map<string, number>();

  const end = (record: SearchRecord): SearchEnd => {
    const limit = fileLimits.get(record.id);
    return limit !== undefined && record.fileCount >= limit ? 'FileLimitReached' : 'TimedOut';
  };

  const allResponses = (id: string): SearchResponse[] => {
    const token = tokenOf(id);
    const out: SearchResponse[] = [];
    // A search keeps at most searches.maxResults files: the pages are bounded.
    for (let after: number | undefined; ; ) {
      const page = searches.responses(id, { limit: PAGE, after });
      for (const response of page) out.push(responseJson(response, token));
      if (page.length < PAGE) return out;
      after = page[page.length - 1]!.seq;
    }
  };

  const searchJson = (record: SearchRecord, responses: SearchResponse[] = []): Search => {
    const state = searchStateText(record.state, end(record));
    return {
      ...(record.endedAt === undefined ? {} : { endedAt: dotnetDate(record.endedAt) }),
      fileCount: record.fileCount,
      id: record.id,
      isComplete: state.startsWith('Completed'),
      lockedFileCount: 0,
      responseCount: record.responseCount,
      responses,
      searchText: record.query,
      startedAt: dotnetDate(record.startedAt),
      state,
      token: tokenOf(record.id),
    };
  };

  return {
    v0StartSearch: async ({ body }) => {
      const timeoutMs = Math.min(MAX_TIMEOUT_MS, Math.max(MIN_TIMEOUT_MS, body.searchTimeout ?? DEFAULT_TIMEOUT_MS));
      const record = await asSlskd('search', () =>
        searches.start({
          ...(body.id === undefined ? {} : { id: body.id.toLowerCase() }),
          query: body.searchText.trim(),
          filter: filterText(body),
          timeoutMs,
          ...(body.fileLimit === undefined ? {} : { maxResults: body.fileLimit }),
        }),
      );
      if (body.fileLimit !== undefined) {
        fileLimits.set(record.id, body.fileLimit);
        if (fileLimits.size > REMEMBERED_LIMITS) fileLimits.delete(fileLimits.keys().next().value!);
      }
      return { status: 200, body: searchJson(record) };
    },
    v0Searches: async () => ({ status: 200, body: (await asSlskd('searches', () => searches.list({ limit: PAGE }))).map((record) => searchJson(record)) }),
    v0Search: async ({ params, query }) => {
      const id = params.id.toLowerCase();
      const record = await asSlskd('search', () => searches.get(id));
      return { status: 200, body: searchJson(record, queryBool(query.includeResponses, false) ? allResponses(id) : []) };
    },
    v0SearchResponses: async ({ params }) => {
      const id = params.id.toLowerCase();
      await asSlskd('search', () => searches.get(id));
      return { status: 200, body: allResponses(id) };
    },
    v0StopSearch: async ({ params }) => ({ status: 200, body: searchJson(await asSlskd('search', () => searches.stop(params.id.toLowerCase()))) }),
    v0DeleteSearch: async ({ params }) => {
      const id = params.id.toLowerCase();
      if (!(await asSlskd('search', () => searches.delete(id)))) throw notFound(`There is no search ${id}`);
      fileLimits.delete(id);
      return { status: 204, body: null };
    },
  };
}
