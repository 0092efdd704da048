// What the daemon's parts tell the event stream: transfers (state, and progress coalesced per
// transfer) and users' status.

import type { Client } from '../client/index.ts';
import type { Transfer, TransferManager } from '../transfers/index.ts';
import type { EventHub } from './events/index.ts';

const progressKey = (transfer: Transfer): string => `transferProgress:${transfer.id}`;

function transferState(hub: EventHub, transfer: Transfer): void {
  // The last progress of a transfer goes out before its new state.
  hub.flush(progressKey(transfer));
  hub.publish('transferState', {
    id: transfer.id,
    direction: transfer.direction,
    username: transfer.username,
    filename: transfer.filename,
    state: transfer.state,
    ...(transfer.reason === undefined ? {} : { error: transfer.reason }),
  });
}

export function publishTransfers(manager: TransferManager, hub: EventHub): void {
  manager.on('transferAdded', (transfer) => transferState(hub, transfer));
  manager.on('transferState', (transfer) => transferState(hub, transfer));
  manager.on('transferProgress', (transfer) => {
    hub.publish(
      'transferProgress',
      {
        id: transfer.id,
        // bigint on the library's side; a JSON number is exact up to 8 PiB.
        bytesTransferred: Number(transfer.bytes),
        size: Number(transfer.size ?? 0n),
        speed: transfer.speed,
        state: transfer.state,
      },
      { coalesceKey: progressKey(transfer) },
    );
  });
  manager.on('transferRemoved', (transfer) => {
    hub.flush(progressKey(transfer));
    hub.publish('transferState', { id: transfer.id, direction: transfer.direction, username: transfer.username, filename: transfer.filename, state: 'removed' });
  });
  // Failures the caller cannot act on (a reply that could not be sent) end up in the transfer's state.
  manager.on('warning', () => {});
}

/** Users' status. Room and private messages are the chat services' (src/daemon/chat): they store, then publish. */
export function publishUserStatus(client: Client, hub: EventHub): void {
  client.on('userStatus', ({ username, status, privileged }) => {
    hub.publish('userStatus', { username, status, privileged });
  });
}
