// Users: the buddy list with notes and live status, the ignore list, and one user's details (what it
// says of itself, and the server's figures), with the buttons to make it a buddy or ignore it.

import { useEffect, useRef, useState } from 'preact/hooks';
import { api, messageOf } from './api.ts';
import { bytes, count, time } from './format.ts';
import type { LiveEvents } from './live.ts';

type Buddy = Awaited<ReturnType<typeof api.buddies>>[number];
type Ignored = Awaited<ReturnType<typeof api.ignoredUsers>>[number];
type Details = {
  username: string;
  status?: Awaited<ReturnType<typeof api.userStatus>>;
  stats?: Awaited<ReturnType<typeof api.userStats>>;
  info?: Awaited<ReturnType<typeof api.user>>;
  infoError?: string;
};

export function UsersScreen({ live, canWrite }: { live: LiveEvents; canWrite: boolean }) {
  const [buddies, setBuddies] = useState<Buddy[]>([]);
  const [ignored, setIgnored] = useState<Ignored[]>([]);
  const [who, setWho] = useState('');
  const [details, setDetails] = useState<Details | undefined>();
  const [error, setError] = useState<string | undefined>();

  // Status events may come before the list that holds the user (just after adding a buddy).
  const statuses = useRef(new Map<string, Pick<Buddy, 'status' | 'privileged'>>());
  const withStatus = (buddy: Buddy): Buddy => {
    const known = statuses.current.get(buddy.username);
    return buddy.status !== 'unknown' || known === undefined ? buddy : { ...buddy, ...known };
  };
  const fail = (caught: unknown): void => setError(messageOf(caught));
  const load = async (): Promise<void> => {
    try {
      const [b, i] = await Promise.all([api.buddies(), api.ignoredUsers()]);
      setBuddies(b.map(withStatus));
      setIgnored(i);
    } catch (caught) {
      fail(caught);
    }
  };
  useEffect(() => {
    void load();
    const offStatus = live.on('userStatus', (s) => {
      const status = { status: s.status, ...(s.privileged === undefined ? {} : { privileged: s.privileged }) };
      statuses.current.set(s.username, status);
      setBuddies((all) => all.map((buddy) => (buddy.username === s.username ? { ...buddy, ...status } : buddy)));
    });
    const offReload = live.onReload(() => void load());
    return () => {
      offStatus();
      offReload();
    };
  }, [live]);

  const act = async (work: () => Promise<unknown>): Promise<void> => {
    try {
      await work();
      setError(undefined);
      await load();
    } catch (caught) {
      fail(caught);
    }
  };

  const show = async (username: string): Promise<void> => {
    const name = username.trim();
    if (name === '') return;
    setDetails({ username: name });
    const params = { params: { username: name } };
    // The server's figures come at once; what the user says of itself needs the user online and answering.
    const [status, stats] = await Promise.all([api.userStatus(params).catch(() => undefined), api.userStats(params).catch(() => undefined)]);
    setDetails((d) => (d?.username === name ? { ...d, ...(status === undefined ? {} : { status }), ...(stats === undefined ? {} : { stats }) } : d));
    const info = await api.user(params).then(
      (value) => ({ info: value }),
      (caught: unknown) => ({ infoError: messageOf(caught) }),
    );
    setDetails((d) => (d?.username === name ? { ...d, ...info } : d));
  };

  const isBuddy = details !== undefined && buddies.some((b) => b.username === details.username);
  const isIgnored = details !== undefined && ignored.some((i) => i.username === details.username);

  return (
    <section aria-labelledby="users-title" class="screen wide">
      <h1 id="users-title">Users</h1>
      {error === undefined ? null : <p role="alert" class="error">{error}</p>}
      <form
        class="toolbar"
        onSubmit={(event) => {
          event.preventDefault();
          void show(who);
        }}
      >
        <input class="grow" aria-label="User to look up" placeholder="Username" value={who} onInput={(e) => setWho(e.currentTarget.value)} />
        <button type="submit">Look up</button>
      </form>
      {details === undefined ? null : (
        <div class="card" aria-label={`About ${details.username}`} role="region">
          <div class="toolbar">
            <h2 class="grow">{details.username}</h2>
            {canWrite && !isBuddy ? (
              <button type="button" onClick={() => void act(() => api.addBuddy({ params: { username: details.username }, body: {} }))}>
                Add buddy
              </button>
            ) : null}
            {canWrite ? (
              isIgnored ? (
                <button type="button" class="secondary" onClick={() => void act(() => api.unignoreUser({ params: { username: details.username } }))}>
                  Stop ignoring
                </button>
              ) : (
                <button type="button" class="secondary" onClick={() => void act(() => api.ignoreUser({ params: { username: details.username } }))}>
                  Ignore
                </button>
              )
            ) : null}
          </div>
          <dl>
            <dt>Status</dt>
            <dd>{details.status === undefined ? '…' : `${details.status.status}${details.status.privileged ? ', privileged' : ''}`}</dd>
            <dt>Shares</dt>
            <dd>{details.stats === undefined ? '…' : `${count(details.stats.files)} files in ${count(details.stats.folders)} folders`}</dd>
            <dt>Upload speed</dt>
            <dd>{details.stats === undefined ? '…' : `${bytes(details.stats.avgSpeed)}/s`}</dd>
            <dt>Slots</dt>
            <dd>{details.info === undefined ? (details.infoError ?? '…') : `${count(details.info.uploadSlots)} (${details.info.slotsFree ? 'one free' : 'none free'}), ${count(details.info.queueLength)} queued`}</dd>
            <dt>Description</dt>
            <dd class="description">{details.info === undefined ? (details.infoError === undefined ? '…' : '') : details.info.description || '—'}</dd>
          </dl>
        </div>
      )}
      <div class="card table-wrap">
        <table>
          <caption>Buddies</caption>
          <thead>
            <tr>
              <th scope="col">User</th>
              <th scope="col">Status</th>
              <th scope="col">Note</th>
              <th scope="col">Added</th>
              {canWrite ? <th scope="col"><span class="visually-hidden">Actions</span></th> : null}
            </tr>
          </thead>
          <tbody>
            {buddies.map((buddy) => (
              <tr key={buddy.username}>
                <th scope="row">
                  <button type="button" class="secondary link" onClick={() => void show(buddy.username)}>
                    {buddy.username}
                  </button>
                </th>
                <td>
                  <span class={`presence ${buddy.status}`} /> {buddy.status}
                  {buddy.privileged === true ? ', privileged' : ''}
                </td>
                <td>
                  {canWrite ? (
                    <input
                      aria-label={`Note for ${buddy.username}`}
                      value={buddy.note}
                      onChange={(e) => void act(() => api.setBuddyNote({ params: { username: buddy.username }, body: { note: e.currentTarget.value } }))}
                    />
                  ) : (
                    buddy.note
                  )}
                </td>
                <td>{time(buddy.addedAt)}</td>
                {canWrite ? (
                  <td>
                    <button type="button" class="secondary" aria-label={`Remove buddy ${buddy.username}`} onClick={() => void act(() => api.removeBuddy({ params: { username: buddy.username } }))}>
                      Remove
                    </button>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
        {buddies.length === 0 ? <p class="muted">No buddies yet: look a user up and add them.</p> : null}
      </div>
      <div class="card">
        <h2>Ignored</h2>
        {ignored.length === 0 ? (
          <p class="muted">Nobody.</p>
        ) : (
          <ul class="plain">
            {ignored.map((user) => (
              <li key={user.username}>
                {user.username}{' '}
                {canWrite ? (
                  <button type="button" class="secondary" aria-label={`Stop ignoring ${user.username}`} onClick={() => void act(() => api.unignoreUser({ params: { username: user.username } }))}>
                    Stop ignoring
                  </button>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}
