// The /metrics values the daemon reads at scrape time: transfer speeds and queues, the distributed
// tree, and the hooks' delivery totals. Each read is bounded by what it walks (the live transfers,
// the configured hooks).

import type { Client } from '../client/index.ts';
import type { Transfer, TransferManager } from '../transfers/index.ts';
import type { HookDispatcher } from './hooks/index.ts';
import type { DaemonMetrics, Direction, TransferCount } from './metrics/index.ts';

export interface MetricSources {
  readonly client: Pick<Client, 'distributedStatus' | 'username'>;
  readonly manager: Pick<TransferManager, 'list' | 'on'>;
  readonly hooks: Pick<HookDispatcher, 'stats'>;
}

/** Speeds by direction (transfers moving bytes now) and the queues, from one list of live transfers. */
export function transferFigures(live: readonly Transfer[]): { speed: Record<Direction, number>; uploadQueueLength: number; downloadQueueLength: number; bestPlaceInQueue: number | undefined } {
  const speed: Record<Direction, number> = { download: 0, upload: 0 };
  let uploadQueueLength = 0;
  let downloadQueueLength = 0;
  let bestPlaceInQueue: number | undefined;
  for (const transfer of live) {
    if (transfer.state === 'transferring') speed[transfer.direction] += transfer.speed;
    if (transfer.state !== 'queued') continue;
    if (transfer.direction === 'upload') uploadQueueLength++;
    else {
      downloadQueueLength++;
      if (transfer.place !== undefined && (bestPlaceInQueue === undefined || transfer.place < bestPlaceInQueue)) bestPlaceInQueue = transfer.place;
    }
  }
  return { speed, uploadQueueLength, downloadQueueLength, bestPlaceInQueue };
}

export function collectDaemonMetrics(metrics: DaemonMetrics, sources: MetricSources): void {
  const { client, manager, hooks } = sources;
  const live = (): ReturnType<typeof transferFigures> => transferFigures(manager.list({ finished: false }));
  metrics.collectTransfers(() => countTransfers(manager.list({ finished: false })));
  metrics.collectSpeed(() => live().speed);
  metrics.collectQueue(() => live());
  metrics.collectDistributed(() => {
    const tree = client.distributedStatus();
    return {
      level: tree.branchLevel,
      // We are a branch root when we have no parent, or the root the tree names is us.
      branchRoot: tree.parent === undefined || (client.username !== undefined && tree.branchRoot === client.username),
      children: tree.children.length,
      parentConnected: tree.parent !== undefined,
    };
  });
  metrics.collectHooks(() => hooks.stats());
  countTransferBytes(manager, metrics);
}

/**
 * slsk_transfer_bytes_total from the progress events: each adds what moved since the transfer's last
 * one (a resumed transfer starts from its offset). One entry per live transfer, dropped when it is done.
 */
export function countTransferBytes(manager: Pick<TransferManager, 'on'>, metrics: Pick<DaemonMetrics, 'transferBytes'>): void {
  const last = new Map<string, bigint>();
  manager.on('transferProgress', (transfer) => {
    const before = last.get(transfer.id) ?? transfer.offset;
    if (transfer.bytes > before) metrics.transferBytes(transfer.direction, Number(transfer.bytes - before));
    last.set(transfer.id, transfer.bytes);
  });
  manager.on('transferDone', (transfer) => last.delete(transfer.id));
}

/** Live transfers counted by direction and state, for the transfers gauge. */
export function countTransfers(transfers: readonly Transfer[]): TransferCount[] {
  const counts = new Map<string, TransferCount>();
  for (const { direction, state } of transfers) {
    const key = `${direction} ${state}`;
    counts.set(key, { direction, state, count: (counts.get(key)?.count ?? 0) + 1 });
  }
  return [...counts.values()];
}
