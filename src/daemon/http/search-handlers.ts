// The handlers of the search routes: the service's records as the API's JSON, and the service's typed
// errors as HTTP statuses that say what to do next.

import type { Handlers } from './route.ts';
import type { searchRoutes, SearchRecordJson, SearchResponseJson } from './search-routes.ts';
import { HttpError, notFound, mappedBy } from './errors.ts';
import type { SearchService } from './services.ts';
import type { SearchRecord, StoredResponse } from '../store/index.ts';
import { DaemonStoreError } from '../store/errors.ts';
import { FilterParseError } from '../search-filter.ts';
import { SearchBusyError, fileJson } from '../searches.ts';
import { ClientError } from '../../client/errors.ts';

const iso = (ms: number): string => new Date(ms).toISOString();

export function searchJson(record: SearchRecord): SearchRecordJson {
  return {
    id: record.id,
    query: record.query,
    scope: record.scope,
    ...(record.target === undefined ? {} : { target: record.target }),
    filter: record.filter,
    state: record.state,
    startedAt: iso(record.startedAt),
    ...(record.endedAt === undefined ? {} : { endedAt: iso(record.endedAt) }),
    responseCount: record.responseCount,
    fileCount: record.fileCount,
  };
}

export function responseJson(response: StoredResponse): SearchResponseJson {
  return {
    seq: response.seq,
    username: response.username,
    hasFreeUploadSlot: response.slotsFree,
    uploadSpeed: response.avgSpeed,
    queueLength: response.queueLength,
    receivedAt: iso(response.receivedAt),
    files: response.files.map(fileJson),
  };
}

/** The service's errors as HTTP errors; anything else goes on as a 500. */
function httpError(error: unknown): unknown {
  if (error instanceof FilterParseError) return new HttpError(400, 'bad_filter', `filter: ${error.message}`, { field: '/body/filter' });
  if (error instanceof SearchBusyError) return new HttpError(429, 'too_many_searches', error.message);
  if (error instanceof DaemonStoreError) {
    if (error.code === 'NOT_FOUND') return notFound(error.message);
    if (error.code === 'BAD_INPUT' || error.code === 'EXISTS') return new HttpError(400, 'bad_search', error.message);
  }
  if (error instanceof ClientError && error.code === 'NOT_CONNECTED') {
    return new HttpError(409, 'not_connected', 'Not logged in to the Soulseek server; connect first (PUT /api/v1/application/connection)');
  }
  return error;
}

const mapped = mappedBy(httpError);

export function searchHandlers(searches: SearchService): Handlers<typeof searchRoutes> {
  return {
    startSearch: async ({ body }) => ({ status: 201, body: searchJson(await mapped(() => searches.start(body))) }),
    searches: async ({ query }) => ({ status: 200, body: (await mapped(() => searches.list(query))).map(searchJson) }),
    search: async ({ params }) => ({ status: 200, body: searchJson(await mapped(() => searches.get(params.id))) }),
    searchResponses: async ({ params, query }) => ({ status: 200, body: (await mapped(() => searches.responses(params.id, query))).map(responseJson) }),
    stopSearch: async ({ params }) => ({ status: 200, body: searchJson(await mapped(() => searches.stop(params.id))) }),
    deleteSearch: async ({ params }) => {
      if (!(await mapped(() => searches.delete(params.id)))) throw notFound(`There is no search ${params.id}; GET /api/v1/searches lists them`);
      return { status: 204, body: null };
    },
  };
}
