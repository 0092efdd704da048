// In-memory shares and settings for the HTTP tests. MemoryShares keeps a real Catalog (the index peers'
// searches hit, without the disk): two shares, one for everyone and one for buddies. The settings are the
// real DaemonOptions over the defaults, its appliers recording what they were told, writing to a file
// in the temporary folder.

import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Catalog, type ListedFolder, type SearchResult, type ShareTotals } from '../../src/shares/index.ts';
import type { SharesService } from '../../src/daemon/http/services.ts';
import type { ScanStatus, Viewer } from '../../src/daemon/daemon-shares.ts';
import { DaemonOptions } from '../../src/daemon/daemon-options.ts';
import { applyDefaults, ROOT } from '../../src/daemon/config/schema-walk.ts';
import type { ResolvedDaemonConfig } from '../../src/daemon/config/index.ts';

const SHARES = [
  { name: 'Music', root: '/srv/music', visibility: 'everyone' as const },
  { name: 'Private', root: '/srv/private', visibility: 'buddies' as const },
];

export class MemoryShares implements SharesService {
  readonly catalog = new Catalog();
  scanning = false;
  rescans = 0;

  constructor() {
    for (const share of SHARES) this.catalog.addShare(share.name, share.visibility);
    const album = this.catalog.addFolder(0, 'Music\\Beatles\\Abbey Road');
    this.catalog.addFile(album, '01 Come Together.flac', 31_000_000, 0, { duration: 259 });
    this.catalog.addFile(album, '02 Something.flac', 19_000_000, 0, { duration: 182 });
    const demos = this.catalog.addFolder(1, 'Private\\Beatles Demos');
    this.catalog.addFile(demos, 'demo.mp3', 4_000_000, 0, { bitrate: 320 });
  }

  totals(): ShareTotals[] {
    return SHARES.map((share, index) => ({ ...share, ...this.catalog.shareTotals(index) }));
  }

  status(): ScanStatus {
    return {
      state: this.scanning ? 'scanning' : 'idle',
      ...(this.scanning ? { current: { reason: 'request' as const, startedAt: Date.UTC(2026, 0, 1), progress: { scannedFiles: 12, readMetadata: 3, currentFolder: 'Music\\Beatles' } } } : {}),
      queued: false,
      watchedFolders: 0,
      rescanIntervalMinutes: 60,
    };
  }

  rescan(): { joined: boolean } {
    if (this.scanning) return { joined: true };
    this.scanning = true;
    this.rescans++;
    return { joined: false };
  }

  browse(viewer: Viewer, page: { after?: string | undefined; limit: number }): ListedFolder[] {
    const buddy = viewer === 'buddy';
    return this.catalog
      .sortedFolders(() => true)
      .filter((slot) => page.after === undefined || this.catalog.folderPath(slot) > page.after)
      .slice(0, page.limit)
      .map((slot) => {
        const locked = !buddy && this.catalog.visibility(this.catalog.folderShare(slot)) === 'buddies';
        return { folder: this.catalog.folderListing(slot, locked), locked };
      });
  }

  search(query: string, viewer: Viewer, maxResults: number): SearchResult {
    return this.catalog.search(query, { locked: viewer === 'buddy' ? 'open' : 'locked', maxResults });
  }
}

let files = 0;

/** The real DaemonOptions over the default settings; `applied` lists the settings applied, in order. */
export function memoryOptions(): { options: DaemonOptions; applied: string[]; file: string } {
  const applied: string[] = [];
  const config = applyDefaults(ROOT, { shares: { folders: [{ path: '/srv/music' }] } }) as ResolvedDaemonConfig;
  const file = join(tmpdir(), `slsk-http-fixture-${process.pid}-${++files}.yaml`);
  const options = new DaemonOptions({
    config,
    file,
    appliers: {
      'transfers.uploadSlots': (c) => void applied.push(`transfers.uploadSlots=${c.transfers.uploadSlots}`),
      'logging.level': (c) => void applied.push(`logging.level=${c.logging.level}`),
    },
  });
  return { options, applied, file };
}
