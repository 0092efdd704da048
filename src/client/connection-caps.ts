// Caps on the peer sockets we hold, so one address cannot make us unreachable for everyone: a total
// (incoming and outgoing), and per remote address for incoming ones — a few still owing their init
// message, and a bounded number established. Each socket moves through explicit states; a socket
// counts where its state says until it closes.

import type { Socket } from 'node:net';

export const CappedSocketState = {
  /** Accepted, its init message (PeerInit / PeerPierceFirewall) not read yet. */
  pendingInit: 'pending-init',
  /** Init read (incoming) or connection made by us (outgoing). */
  established: 'established',
  closed: 'closed',
} as const;
export type CappedSocketState = (typeof CappedSocketState)[keyof typeof CappedSocketState];

const MOVES: Record<CappedSocketState, readonly CappedSocketState[]> = {
  'pending-init': ['established', 'closed'],
  established: ['closed'],
  closed: [],
};

export interface ConnectionCapLimits {
  maxPeerConnections: number;
  maxPendingInitPerIp: number;
  maxPeerConnectionsPerIp: number;
}

interface Tracked {
  state: CappedSocketState;
  /** The remote address an incoming socket counts against; undefined for outgoing ones. */
  readonly address: string | undefined;
}

interface AddressCounts {
  pending: number;
  established: number;
}

/** `::ffff:1.2.3.4` (IPv4 on a dual-stack listener) counts as `1.2.3.4`. */
export function addressKey(address: string | undefined): string {
  if (address === undefined) return 'unknown';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

export class ConnectionCaps {
  private readonly limits: ConnectionCapLimits;
  private readonly sockets = new Map<Socket, Tracked>();
  private readonly byAddress = new Map<string, AddressCounts>();

  constructor(limits: ConnectionCapLimits) {
    this.limits = limits;
  }

  get size(): number {
    return this.sockets.size;
  }

  /** An incoming socket before its init: refused (false) past the total or its address's pending cap. */
  admitIncoming(socket: Socket): boolean {
    const address = addressKey(socket.remoteAddress);
    const counts = this.counts(address);
    if (this.sockets.size >= this.limits.maxPeerConnections || counts.pending >= this.limits.maxPendingInitPerIp) return false;
    this.add(socket, { state: CappedSocketState.pendingInit, address });
    return true;
  }

  /** A socket we opened (or already admitted, such as a peer connecting back): refused past the total. */
  admitOutgoing(socket: Socket): boolean {
    if (this.sockets.has(socket)) return true;
    if (this.sockets.size >= this.limits.maxPeerConnections) return false;
    this.add(socket, { state: CappedSocketState.established, address: undefined });
    return true;
  }

  /** An incoming socket sent its init: refused (false) when its address holds its cap of established ones. */
  established(socket: Socket): boolean {
    const tracked = this.sockets.get(socket);
    if (tracked === undefined || tracked.state !== CappedSocketState.pendingInit) return tracked?.state === CappedSocketState.established;
    const counts = this.counts(tracked.address!);
    if (counts.established >= this.limits.maxPeerConnectionsPerIp) return false;
    this.move(tracked, CappedSocketState.established);
    return true;
  }

  /** Sockets held, in total and per remote address of incoming ones. */
  snapshot(): { total: number; byAddress: Record<string, number> } {
    const byAddress: Record<string, number> = {};
    for (const [address, counts] of this.byAddress) byAddress[address] = counts.pending + counts.established;
    return { total: this.sockets.size, byAddress };
  }

  destroyAll(): void {
    for (const socket of [...this.sockets.keys()]) socket.destroy();
  }

  private add(socket: Socket, tracked: Tracked): void {
    this.sockets.set(socket, tracked);
    if (tracked.address !== undefined) this.adjust(tracked.address, tracked.state, 1);
    socket.on('error', () => {});
    socket.once('close', () => {
      this.move(tracked, CappedSocketState.closed);
      this.sockets.delete(socket);
    });
  }

  private move(tracked: Tracked, to: CappedSocketState): void {
    if (!MOVES[tracked.state].includes(to)) throw new Error(`a peer socket cannot go from ${tracked.state} to ${to}`);
    if (tracked.address !== undefined) {
      this.adjust(tracked.address, tracked.state, -1);
      this.adjust(tracked.address, to, 1);
    }
    tracked.state = to;
  }

  private adjust(address: string, state: CappedSocketState, delta: number): void {
    if (state === CappedSocketState.closed) return;
    const counts = this.counts(address);
    if (state === CappedSocketState.pendingInit) counts.pending += delta;
    else counts.established += delta;
    if (counts.pending === 0 && counts.established === 0) this.byAddress.delete(address);
    else this.byAddress.set(address, counts);
  }

  private counts(address: string): AddressCounts {
    return this.byAddress.get(address) ?? { pending: 0, established: 0 };
  }
}
