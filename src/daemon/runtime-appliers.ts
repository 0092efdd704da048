// How each setting changed through PATCH /api/v1/options takes effect in the running daemon (the
// settings not listed here need a restart), and the shares settings as the library takes them.

import type { ResolvedDaemonConfig } from './config/index.ts';
import type { TransferManager } from '../transfers/index.ts';
import type { DestinationLayout } from '../transfers/destination.ts';
import type { Applier } from './daemon-options.ts';
import type { DaemonShares, SharesSettings } from './daemon-shares.ts';
import type { LogRing } from './logs.ts';
import type { DaemonSearches } from './searches.ts';

/** The shared folders and ignore patterns as SharesLibrary takes them. */
export function sharesSettings(config: ResolvedDaemonConfig): SharesSettings {
  return {
    folders: config.shares.folders.map((folder) => ({ path: folder.path, visibility: folder.visibility, ...(folder.name === undefined ? {} : { name: folder.name }) })),
    ignore: config.shares.ignore,
  };
}

/** How each setting changed through PATCH /api/v1/options takes effect; the others need a restart. */
export function runtimeAppliers(parts: { manager: TransferManager; shares: DaemonShares; searches: DaemonSearches; logs: LogRing; setLayout: (layout: DestinationLayout) => void }): Record<string, Applier> {
  const speed: Applier = (c) => parts.manager.setSpeedLimits({ uploadBytesPerSecond: c.transfers.uploadBytesPerSecond, downloadBytesPerSecond: c.transfers.downloadBytesPerSecond });
  const slots: Applier = (c) => {
    parts.manager.setUploadSlots(c.transfers.uploadSlots);
    parts.shares.setUploadSlots(c.transfers.uploadSlots);
  };
  const searchDefaults: Applier = (c) => parts.searches.setDefaults({ timeoutMs: c.searches.timeoutSeconds * 1000, maxResults: c.searches.maxResults });
  const reshare: Applier = (c) => parts.shares.reconfigure(sharesSettings(c));
  return {
    'transfers.uploadBytesPerSecond': speed,
    'transfers.downloadBytesPerSecond': speed,
    'transfers.uploadSlots': slots,
    'searches.timeoutSeconds': searchDefaults,
    'searches.maxResults': searchDefaults,
    'shares.folders': reshare,
    'shares.ignore': reshare,
    'shares.rescanIntervalMinutes': (c) => parts.shares.setRescanInterval(c.shares.rescanIntervalMinutes),
    'shares.watch': (c) => parts.shares.setWatch(c.shares.watch),
    'logging.level': (c) => parts.logs.setLevel(c.logging.level),
    'downloads.layout': (c) => parts.setLayout(c.downloads.layout),
  };
}
