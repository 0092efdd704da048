// The daemon's view of every transfer (history included), grouped by direction, user and remote
// folder, kept up to date from the transfer manager's events. The manager keeps only live transfers
// in memory and reads the history from SQLite on every list(); a list per HTTP request (and per
// progress event) would read every row each time. Here each event costs O(1): the transfer's old
// figures are taken out of its group's totals and the new ones put in. A summary read costs O(groups);
// listing transfers costs what it returns. `costs` counts the transfers looked at, for tests.
//
// A transfer's group is its remote folder (its path up to the last `\`), or, for a file of a folder
// download, that download: an album with CD1 and CD2 subfolders shows as one group with one total.

import { TRANSFER_STATES, type Transfer, type TransferDirection, type TransferState } from '../../transfers/index.ts';
import type { TransferJson, TransferList, TransferListQuery, TransferTotals } from '../http/transfer-routes.ts';

/** Final: it will not move again by itself (completed, cancelled, failed with no retry planned). */
export const isFinal = (t: Pick<Transfer, 'state' | 'retryAt'>): boolean => t.state === 'completed' || t.state === 'cancelled' || (t.state === 'failed' && t.retryAt === undefined);

/** The remote folder of a virtual path: everything before its last `\` ('' when there is none). */
export const remoteFolderOf = (filename: string): string => {
  const last = filename.lastIndexOf('\\');
  return last < 0 ? '' : filename.slice(0, last);
};

interface Totals {
  files: number;
  bytes: number;
  bytesTransferred: number;
  speed: number;
  /** Members in a final state: the group is finished when it equals files. */
  final: number;
  /** Members by state, indexed as TRANSFER_STATES: an array, as a list read adds up thousands of these. */
  states: number[];
}

const STATE_INDEX = new Map<TransferState, number>(TRANSFER_STATES.map((state, i) => [state, i]));
const newTotals = (): Totals => ({ files: 0, bytes: 0, bytesTransferred: 0, speed: 0, final: 0, states: TRANSFER_STATES.map(() => 0) });

function apply(totals: Totals, t: Transfer, sign: 1 | -1): void {
  totals.files += sign;
  totals.bytes += sign * Number(t.size ?? 0n);
  totals.bytesTransferred += sign * Number(t.bytes);
  // A finished transfer's speed is its average: only the ones moving now add to the group's speed.
  // Whole bytes/s: a running sum of fractions would drift (adding then removing 0.1 leaves 1e-17), and
  // a group with nothing moving must read exactly 0.
  if (t.state === 'transferring') totals.speed += sign * Math.round(t.speed);
  if (isFinal(t)) totals.final += sign;
  totals.states[STATE_INDEX.get(t.state)!]! += sign;
}

function totalsJson(totals: Totals): TransferTotals {
  const states: Record<string, number> = {};
  totals.states.forEach((count, i) => {
    if (count !== 0) states[TRANSFER_STATES[i]!] = count;
  });
  // Rounding errors of the running sums must not show as -0.0001 bytes/s.
  return { files: totals.files, bytes: totals.bytes, bytesTransferred: totals.bytesTransferred, speed: Math.max(0, totals.speed), states };
}

function addInto(into: Totals, from: Totals): void {
  into.files += from.files;
  into.bytes += from.bytes;
  into.bytesTransferred += from.bytesTransferred;
  into.speed += from.speed;
  into.final += from.final;
  for (let i = 0; i < from.states.length; i++) into.states[i]! += from.states[i]!;
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
/** The list's order: downloads before uploads, then by user, then by folder. */
const byListOrder = (a: TransferGroup, b: TransferGroup): number => compare(a.direction, b.direction) || compare(a.username, b.username) || compare(a.folder, b.folder);

export interface TransferGroup {
  readonly key: string;
  /** direction and username: the user group it is listed under. */
  readonly userKey: string;
  readonly direction: TransferDirection;
  readonly username: string;
  readonly folder: string;
  readonly folderId: string | undefined;
  /** By id, in the order they joined (creation order for the ones seen being added). */
  readonly members: Map<string, Transfer>;
  readonly totals: Totals;
  /** totals as JSON, made again only after they change (a summary read of unchanged groups builds nothing). */
  json: TransferTotals | undefined;
}

/** A folder download as the index knows it: the group its files are shown in. */
export interface FolderRef {
  readonly id: string;
  readonly username: string;
  readonly folder: string;
}

/** Transfers one list reply carries unless `limit` says otherwise: a 10,000-transfer reply is megabytes of JSON. */
export const DEFAULT_LIST_LIMIT = 1000;

const iso = (ms: number): string => new Date(ms).toISOString();

export function transferJson(t: Transfer, folderId?: string): TransferJson {
  return {
    id: t.id,
    direction: t.direction,
    username: t.username,
    filename: t.filename,
    folder: remoteFolderOf(t.filename),
    ...(folderId === undefined ? {} : { folderId }),
    ...(t.size === undefined ? {} : { size: Number(t.size) }),
    bytesTransferred: Number(t.bytes),
    state: t.state,
    ...(t.reason === undefined ? {} : { reason: t.reason }),
    ...(t.place === undefined ? {} : { place: t.place }),
    attempts: t.attempts,
    ...(t.retryAt === undefined ? {} : { retryAt: iso(t.retryAt) }),
    speed: Math.max(0, t.speed),
    ...(t.eta === undefined || !Number.isFinite(t.eta) ? {} : { eta: Math.max(0, t.eta) }),
    ...(t.localPath === undefined ? {} : { localPath: t.localPath }),
    createdAt: iso(t.createdAt),
    updatedAt: iso(t.updatedAt),
    ...(t.finishedAt === undefined ? {} : { finishedAt: iso(t.finishedAt) }),
  };
}

export interface IndexCosts {
  /** Transfers looked at by reads (listing, filtering) and updates. */
  transfersVisited: number;
  /** Groups looked at by reads. */
  groupsVisited: number;
}

export class TransferIndex {
  /** json: the transfer as the API shows it, made again only after it changes (a page of unchanged transfers builds nothing). */
  readonly #items = new Map<string, { transfer: Transfer; group: TransferGroup; json: TransferJson | undefined }>();
  readonly #groups = new Map<string, TransferGroup>();
  /** Transfer id → the folder download it belongs to. */
  readonly #folderOf = new Map<string, FolderRef>();
  readonly costs: IndexCosts = { transfersVisited: 0, groupsVisited: 0 };
  /** Told when a folder download's group has every member final (once per time it gets there). */
  onFolderFinished: (group: TransferGroup) => void = () => {};
  /** Told when the last transfer of a folder download's group is deleted. */
  onFolderEmptied: (folderId: string) => void = () => {};
  readonly #finishedFolders = new Set<string>();
  readonly #folderGroups = new Map<string, TransferGroup>();
  /** Groups by username: one user's list does not look at everyone's groups. */
  readonly #byUser = new Map<string, Set<TransferGroup>>();
  /** Running totals by direction and user (TransferGroup.userKey), and by direction: a list read adds up nothing. */
  readonly #userTotals = new Map<string, Totals>();
  readonly #directionTotals: Record<TransferDirection, Totals> = { download: newTotals(), upload: newTotals() };
  /** Every group in list order (direction, user, folder); made again only when a group comes or goes. */
  #sorted: TransferGroup[] | undefined;

  get size(): number {
    return this.#items.size;
  }

  get(id: string): Transfer | undefined {
    return this.#items.get(id)?.transfer;
  }

  folderIdOf(id: string): string | undefined {
    return this.#folderOf.get(id)?.id;
  }

  json(id: string): TransferJson | undefined {
    const item = this.#items.get(id);
    return item === undefined ? undefined : (item.json ??= transferJson(item.transfer, this.folderIdOf(id)));
  }

  #groupFor(t: Transfer): TransferGroup {
    const ref = this.#folderOf.get(t.id);
    const folder = ref?.folder ?? remoteFolderOf(t.filename);
    const key = `${t.direction}\u0000${t.username}\u0000${ref === undefined ? 'p' : `f${ref.id}`}\u0000${folder}`;
    let group = this.#groups.get(key);
    if (group === undefined) {
      group = { key, userKey: `${t.direction}\u0000${t.username}`, direction: t.direction, username: t.username, folder, folderId: ref?.id, members: new Map(), totals: newTotals(), json: undefined };
      this.#groups.set(key, group);
      this.#sorted = undefined;
      let mine = this.#byUser.get(t.username);
      if (mine === undefined) this.#byUser.set(t.username, (mine = new Set()));
      mine.add(group);
      if (ref !== undefined) this.#folderGroups.set(ref.id, group);
    }
    return group;
  }

  /** A transfer counted in (or out of) its group's, its user's and its direction's running totals. */
  #account(group: TransferGroup, t: Transfer, sign: 1 | -1): void {
    apply(group.totals, t, sign);
    let user = this.#userTotals.get(group.userKey);
    if (user === undefined) this.#userTotals.set(group.userKey, (user = newTotals()));
    apply(user, t, sign);
    if (user.files === 0) this.#userTotals.delete(group.userKey);
    apply(this.#directionTotals[group.direction], t, sign);
  }

  /** The transfer as it is now (added or changed). O(1). */
  put(t: Transfer): void {
    this.costs.transfersVisited += 1;
    const old = this.#items.get(t.id);
    if (old !== undefined) {
      old.group.json = undefined;
      this.#account(old.group, old.transfer, -1);
      old.group.members.set(t.id, t);
      this.#account(old.group, t, 1);
      old.transfer = t;
      old.json = undefined;
      this.#checkFolder(old.group);
      return;
    }
    const group = this.#groupFor(t);
    group.members.set(t.id, t);
    group.json = undefined;
    this.#account(group, t, 1);
    this.#items.set(t.id, { transfer: t, group, json: undefined });
    this.#checkFolder(group);
  }

  /** Adds `t` only if it is not known yet (seeding from a list older than the events seen). */
  seed(t: Transfer): void {
    if (!this.#items.has(t.id)) this.put(t);
  }

  delete(id: string): Transfer | undefined {
    const item = this.#items.get(id);
    if (item === undefined) return undefined;
    this.costs.transfersVisited += 1;
    this.#items.delete(id);
    item.group.members.delete(id);
    item.group.json = undefined;
    this.#account(item.group, item.transfer, -1);
    this.#folderOf.delete(id);
    const folderId = item.group.folderId;
    if (item.group.members.size === 0) {
      this.#groups.delete(item.group.key);
      this.#sorted = undefined;
      const mine = this.#byUser.get(item.group.username);
      mine?.delete(item.group);
      if (mine?.size === 0) this.#byUser.delete(item.group.username);
      if (folderId !== undefined) {
        this.#finishedFolders.delete(folderId);
        this.#folderGroups.delete(folderId);
        this.onFolderEmptied(folderId);
      }
    }
    return item.transfer;
  }

  /** Whether any transfer of this folder download is still listed. */
  hasFolder(folderId: string): boolean {
    return this.#folderGroups.has(folderId);
  }

  /** Puts these transfers in the folder download's group (they may already be listed under their remote folder). */
  assignFolder(ref: FolderRef, ids: readonly string[]): void {
    for (const id of ids) {
      this.#folderOf.set(id, ref);
      const item = this.#items.get(id);
      if (item === undefined) continue;
      this.delete(id);
      this.#folderOf.set(id, ref);
      this.put(item.transfer);
    }
  }

  #checkFolder(group: TransferGroup): void {
    if (group.folderId === undefined) return;
    const done = group.totals.final === group.totals.files;
    if (!done) this.#finishedFolders.delete(group.folderId);
    else if (!this.#finishedFolders.has(group.folderId)) {
      this.#finishedFolders.add(group.folderId);
      this.onFolderFinished(group);
    }
  }

  /** Transfers matching the filter, for actions on many (clear). Costs one visit per transfer of the matching groups. */
  select(filter: { direction?: TransferDirection | undefined; username?: string | undefined; states?: ReadonlySet<TransferState>; final?: boolean }): Transfer[] {
    const out: Transfer[] = [];
    for (const group of this.#matchingGroups(filter)) {
      for (const t of group.members.values()) {
        this.costs.transfersVisited += 1;
        if (filter.states !== undefined && !filter.states.has(t.state)) continue;
        if (filter.final === true && !isFinal(t)) continue;
        out.push(t);
      }
    }
    return out;
  }

  #matchingGroups(filter: { direction?: TransferDirection | undefined; username?: string | undefined }): TransferGroup[] {
    const candidates = filter.username === undefined ? this.#inOrder() : [...(this.#byUser.get(filter.username) ?? [])].sort(byListOrder);
    if (filter.direction === undefined) {
      this.costs.groupsVisited += candidates.length;
      return candidates;
    }
    const out: TransferGroup[] = [];
    for (const group of candidates) {
      this.costs.groupsVisited += 1;
      if (group.direction === filter.direction) out.push(group);
    }
    return out;
  }

  #inOrder(): TransferGroup[] {
    this.#sorted ??= [...this.#groups.values()].sort(byListOrder);
    return this.#sorted;
  }

  /**
   * The list grouped by user then folder, one page at a time. The totals (the whole list's, and each
   * listed user's) count every matching group; the groups themselves are listed from `offset` on,
   * each whole, while the page's budget (`limit`: one per group plus one per transfer listed) lasts,
   * and `nextOffset` says where the next page starts. The first group of a page is always listed, so
   * paging always moves on. Without a state filter the groups' running totals are used as they are;
   * with one, each matching group's members are filtered (and counted).
   */
  list(query: TransferListQuery): TransferList {
    const offset = query.offset ?? 0;
    const directions: readonly TransferDirection[] = query.direction === undefined ? ['download', 'upload'] : [query.direction];
    let groups: readonly TransferGroup[] = [];
    let filtered: { group: TransferGroup; totals: Totals; members: Transfer[] }[] | undefined;
    let all: Totals;
    let userTotals: ReadonlyMap<string, Totals>;
    if (query.state === undefined) {
      // The running totals as they are: only the page's groups are looked at.
      groups = this.#matchingGroups(query);
      all = newTotals();
      if (query.username === undefined) for (const direction of directions) addInto(all, this.#directionTotals[direction]);
      else for (const direction of directions) addInto(all, this.#userTotals.get(`${direction}\u0000${query.username}`) ?? newTotals());
      userTotals = this.#userTotals;
    } else {
      // A state filter changes every total: the matching groups' members are filtered and counted.
      const states = new Set(query.state.split(',') as TransferState[]);
      filtered = [];
      const byUser = new Map<string, Totals>();
      all = newTotals();
      for (const group of this.#matchingGroups(query)) {
        const totals = newTotals();
        const members: Transfer[] = [];
        for (const t of group.members.values()) {
          this.costs.transfersVisited += 1;
          if (!states.has(t.state)) continue;
          members.push(t);
          apply(totals, t, 1);
        }
        if (members.length === 0) continue;
        filtered.push({ group, totals, members });
        addInto(all, totals);
        let ofUser = byUser.get(group.userKey);
        if (ofUser === undefined) byUser.set(group.userKey, (ofUser = newTotals()));
        addInto(ofUser, totals);
      }
      userTotals = byUser;
    }

    let budget = query.limit ?? DEFAULT_LIST_LIMIT;
    let nextOffset: number | undefined;
    const users: TransferList['users'] = [];
    let user: TransferList['users'][number] | undefined;
    const count = filtered?.length ?? groups.length;
    for (let position = offset; position < count; position++) {
      const entry = filtered?.[position];
      const group = entry?.group ?? groups[position]!;
      const totals = entry?.totals ?? group.totals;
      const members = entry?.members;
      const cost = 1 + (query.summary === true ? 0 : (members?.length ?? group.members.size));
      if (cost > budget && position > offset) {
        nextOffset = position;
        break;
      }
      budget -= cost;
      if (user === undefined || user.direction !== group.direction || user.username !== group.username) {
        user = { direction: group.direction, username: group.username, totals: totalsJson(userTotals.get(group.userKey)!), folders: [] };
        users.push(user);
      }
      let transfers: TransferJson[] | undefined;
      if (query.summary !== true) {
        const list = members ?? [...group.members.values()];
        this.costs.transfersVisited += list.length;
        transfers = list.map((t) => this.json(t.id) ?? transferJson(t, group.folderId));
      }
      user.folders.push({
        folder: group.folder,
        ...(group.folderId === undefined ? {} : { folderId: group.folderId }),
        totals: members === undefined ? (group.json ??= totalsJson(totals)) : totalsJson(totals),
        ...(transfers === undefined ? {} : { transfers }),
      });
    }
    return { totals: totalsJson(all), truncated: nextOffset !== undefined, ...(nextOffset === undefined ? {} : { nextOffset }), users };
  }
}
