// An in-memory SearchService for the HTTP tests: records and responses in arrays, the same typed errors
// as DaemonSearches (bad filter text, unknown id, too many running). Tests add responses with `add`.

import { randomUUID } from 'node:crypto';
import type { SearchService } from '../../src/daemon/http/services.ts';
import { compileSearchFilter } from '../../src/daemon/search-filter.ts';
import { SearchBusyError, type StartSearchInput } from '../../src/daemon/searches.ts';
import { DaemonStoreError } from '../../src/daemon/store/errors.ts';
import type { SearchRecord, StoredResponse, StoredResponseInput } from '../../src/daemon/store/index.ts';

export class MemorySearches implements SearchService {
  readonly records: SearchRecord[] = [];
  readonly stored = new Map<string, StoredResponse[]>();
  maxRunning = 2;
  #seq = 0;

  start(input: StartSearchInput): SearchRecord {
    if (input.filter !== undefined) compileSearchFilter(input.filter);
    if (this.records.filter((r) => r.state === 'in-progress').length >= this.maxRunning) throw new SearchBusyError(`${this.maxRunning} searches are running already`);
    const record: SearchRecord = {
      id: randomUUID(),
      query: input.query,
      scope: input.scope ?? 'network',
      target: input.target,
      filter: input.filter ?? '',
      state: 'in-progress',
      startedAt: Date.UTC(2026, 0, 1) + this.records.length,
      endedAt: undefined,
      responseCount: 0,
      fileCount: 0,
    };
    this.records.unshift(record);
    this.stored.set(record.id, []);
    return { ...record };
  }
  list(page: { limit?: number | undefined; before?: string | undefined }): SearchRecord[] {
    const from = page.before === undefined ? 0 : this.records.findIndex((r) => r.id === page.before) + 1;
    return this.records.slice(from, from + (page.limit ?? 100)).map((r) => ({ ...r }));
  }
  get(id: string): SearchRecord {
    const record = this.records.find((r) => r.id === id);
    if (record === undefined) throw new DaemonStoreError('NOT_FOUND', `there is no search "${id}"`);
    return { ...record };
  }
  responses(id: string, page: { limit?: number | undefined; after?: number | undefined }): StoredResponse[] {
    this.get(id);
    return (this.stored.get(id) ?? []).filter((r) => r.seq > (page.after ?? 0)).slice(0, page.limit ?? 100);
  }
  stop(id: string): SearchRecord {
    const record = this.records.find((r) => r.id === id);
    if (record === undefined) throw new DaemonStoreError('NOT_FOUND', `there is no search "${id}"`);
    if (record.state === 'in-progress') Object.assign(record, { state: 'cancelled', endedAt: record.startedAt + 1000 });
    return { ...record };
  }
  async delete(id: string): Promise<boolean> {
    const index = this.records.findIndex((r) => r.id === id);
    if (index < 0) return false;
    this.records.splice(index, 1);
    this.stored.delete(id);
    return true;
  }
  /** A response arriving for search `id`. */
  add(id: string, response: StoredResponseInput): void {
    const record = this.records.find((r) => r.id === id)!;
    record.responseCount++;
    record.fileCount += response.files.length;
    this.stored.get(id)!.push({ ...response, seq: ++this.#seq, receivedAt: Date.UTC(2026, 0, 1, 0, 0, this.#seq) });
  }
}
