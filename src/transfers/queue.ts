// The order in which queued uploads are served: privileged users first, then round-robin among
// users (the user served longest ago — or never — next), each user's oldest file first. The same
// order answers PeerPlaceInQueueRequest, so a place is the number of files that go before it + 1.

export interface QueuedItem {
  username: string;
  /** Increasing in the order files were queued. */
  order: number;
}

export function serveOrder<T extends QueuedItem>(
  items: Iterable<T>,
  isPrivileged: (username: string) => boolean,
  lastServed: ReadonlyMap<string, number>,
): T[] {
  const byUser = new Map<string, T[]>();
  for (const item of items) {
    const list = byUser.get(item.username);
    if (list === undefined) byUser.set(item.username, [item]);
    else list.push(item);
  }
  const users = [...byUser.entries()].map(([username, list]) => {
    list.sort((a, b) => a.order - b.order);
    return { username, list, privileged: isPrivileged(username), served: lastServed.get(username) ?? -1, oldest: list[0]!.order };
  });
  users.sort((a, b) => Number(b.privileged) - Number(a.privileged) || a.served - b.served || a.oldest - b.oldest);
  const result: T[] = [];
  for (const privileged of [true, false]) {
    const group = users.filter((u) => u.privileged === privileged);
    for (let round = 0; group.some((u) => u.list.length > round); round++) {
      for (const user of group) {
        const item = user.list[round];
        if (item !== undefined) result.push(item);
      }
    }
  }
  return result;
}
