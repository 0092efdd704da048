// Chat: the rooms the daemon is in and its private conversations, side by side with the one open.
// History comes from the daemon (kept across restarts), new lines from the event stream; what
// arrives for a room or a user not open counts as unread. Mentions and private messages raise a
// browser notification once the user allowed them.

import { useEffect, useRef, useState } from 'preact/hooks';
import { api, messageOf } from './api.ts';
import type { LiveEvents } from './live.ts';

type JoinedRoom = Awaited<ReturnType<typeof api.joinedRooms>>[number];
type Conversation = Awaited<ReturnType<typeof api.conversations>>[number];
type Member = Awaited<ReturnType<typeof api.roomMembers>>[number];
type Listing = Awaited<ReturnType<typeof api.rooms>>[number];
/** Rooms of the server's list shown at once (the filter narrows the rest). */
const LISTED_ROOMS = 100;
type Target = { kind: 'room' | 'user'; name: string };
type Line = { id: number; who: string; text: string; time: string; own: boolean; mention: boolean };

const keyOf = (target: Target): string => `${target.kind}:${target.name}`;
const clock = (iso: string): string => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

function notify(title: string, body: string): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  if (!document.hidden) return;
  new Notification(title, { body });
}

export function ChatScreen({ live, canWrite }: { live: LiveEvents; canWrite: boolean }) {
  const [rooms, setRooms] = useState<JoinedRoom[]>([]);
  const [conversations, setConversations] = useState<Conversation[]>([]);
  const [target, setTarget] = useState<Target | undefined>();
  const [lines, setLines] = useState<Line[]>([]);
  const [members, setMembers] = useState<Member[]>([]);
  const [unread, setUnread] = useState<ReadonlyMap<string, number>>(new Map());
  const [draft, setDraft] = useState('');
  const [joinName, setJoinName] = useState('');
  const [newUser, setNewUser] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [listing, setListing] = useState<Listing[] | undefined>();
  const [roomFilter, setRoomFilter] = useState('');
  const [permission, setPermission] = useState(typeof Notification === 'undefined' ? 'denied' : Notification.permission);
  const open = useRef<Target | undefined>(undefined);
  const bottom = useRef<HTMLDivElement>(null);

  const fail = (caught: unknown): void => setError(messageOf(caught));
  const loadSidebar = async (): Promise<void> => {
    try {
      const [joined, talks] = await Promise.all([api.joinedRooms(), api.conversations({ query: {} })]);
      setRooms(joined);
      setConversations(talks);
    } catch (caught) {
      fail(caught);
    }
  };
  const loadMembers = async (room: string): Promise<void> => {
    setMembers(await api.roomMembers({ params: { room } }).catch(() => []));
  };
  const addUnread = (key: string): void => setUnread((current) => new Map(current).set(key, (current.get(key) ?? 0) + 1));
  const append = (line: Line): void => setLines((current) => (current.some((l) => l.id === line.id && line.id > 0) ? current : [...current, line]));

  const show = async (next: Target): Promise<void> => {
    open.current = next;
    setTarget(next);
    setUnread((current) => {
      const copy = new Map(current);
      copy.delete(keyOf(next));
      return copy;
    });
    setError(undefined);
    try {
      if (next.kind === 'room') {
        const history = await api.roomMessages({ params: { room: next.name }, query: { limit: 200 } });
        setLines(history.reverse().map((m) => ({ id: m.id, who: m.username, text: m.text, time: m.time, own: m.own, mention: m.mention })));
        await loadMembers(next.name);
      } else {
        const page = await api.conversation({ params: { username: next.name }, query: { limit: 200 } });
        setLines(page.messages.reverse().map((m) => ({ id: m.id, who: m.direction === 'in' ? m.username : 'me', text: m.text, time: m.time, own: m.direction === 'out', mention: false })));
        setMembers([]);
        if (page.unread > 0 && canWrite) await api.acknowledgeConversation({ params: { username: next.name }, query: {} });
        void loadSidebar();
      }
    } catch (caught) {
      fail(caught);
    }
  };

  useEffect(() => {
    void loadSidebar();
    const offRoom = live.on('roomMessage', (m) => {
      if (m.mention === true && !m.own) notify(`${m.username} in ${m.room}`, m.text);
      const current = open.current;
      if (current?.kind === 'room' && current.name === m.room) append({ id: m.historyId ?? 0, who: m.username, text: m.text, time: m.time, own: m.own === true, mention: m.mention === true });
      else addUnread(`room:${m.room}`);
    });
    const offPrivate = live.on('privateMessage', (m) => {
      if (m.direction === 'in') notify(`Message from ${m.username}`, m.text);
      const current = open.current;
      if (current?.kind === 'user' && current.name === m.username) {
        append({ id: m.historyId ?? 0, who: m.direction === 'in' ? m.username : 'me', text: m.text, time: m.time, own: m.direction === 'out', mention: false });
        if (m.direction === 'in' && canWrite) void api.acknowledgeConversation({ params: { username: m.username }, query: {} }).catch(() => undefined);
      } else if (m.direction === 'in') addUnread(`user:${m.username}`);
      void loadSidebar();
    });
    const offJoined = live.on('roomJoined', () => void loadSidebar());
    const offLeft = live.on('roomLeft', () => void loadSidebar());
    const offMembers = live.on('roomMembership', (m) => {
      if (open.current?.kind === 'room' && open.current.name === m.room) void loadMembers(m.room);
    });
    const offReload = live.onReload(() => {
      void loadSidebar();
      if (open.current !== undefined) void show(open.current);
    });
    return () => [offRoom, offPrivate, offJoined, offLeft, offMembers, offReload].forEach((off) => off());
  }, [live]);

  useEffect(() => bottom.current?.scrollIntoView({ block: 'end' }), [lines]);

  const send = async (event: Event): Promise<void> => {
    event.preventDefault();
    const text = draft.trim();
    if (target === undefined || text === '') return;
    try {
      if (target.kind === 'room') {
        const sent = await api.sendRoomMessage({ params: { room: target.name }, body: { text } });
        append({ id: sent.id, who: sent.username, text: sent.text, time: sent.time, own: true, mention: false });
      } else {
        const sent = await api.sendPrivateMessage({ params: { username: target.name }, body: { text } });
        append({ id: sent.id, who: 'me', text: sent.text, time: sent.time, own: true, mention: false });
      }
      setDraft('');
    } catch (caught) {
      fail(caught);
    }
  };

  const loadListing = async (): Promise<void> => {
    try {
      setListing(await api.rooms());
    } catch (caught) {
      fail(caught);
    }
  };

  const join = async (event: Event | undefined, name = joinName): Promise<void> => {
    event?.preventDefault();
    const room = name.trim();
    if (room === '') return;
    try {
      await api.joinRoom({ params: { room }, query: {} });
      setJoinName('');
      await loadSidebar();
      await show({ kind: 'room', name: room });
    } catch (caught) {
      fail(caught);
    }
  };

  const leave = async (room: string): Promise<void> => {
    await api.leaveRoom({ params: { room } }).catch(fail);
    if (open.current?.kind === 'room' && open.current.name === room) {
      open.current = undefined;
      setTarget(undefined);
    }
    await loadSidebar();
  };

  const tab = (next: Target, label: string, extra?: string) => {
    const count = unread.get(keyOf(next)) ?? 0;
    const selected = target !== undefined && keyOf(target) === keyOf(next);
    return (
      <li key={keyOf(next)}>
        <button type="button" class={selected ? '' : 'secondary'} aria-current={selected ? 'true' : undefined} onClick={() => void show(next)}>
          {label}
          {extra === undefined ? '' : ` ${extra}`}
          {count > 0 ? <span class="badge" aria-label={`${count} unread`}>{count}</span> : null}
        </button>
      </li>
    );
  };

  return (
    <section aria-labelledby="chat-title" class="screen wide chat">
      <h1 id="chat-title">Chat</h1>
      {error === undefined ? null : <p role="alert" class="error">{error}</p>}
      <div class="chat-layout">
        <nav aria-label="Conversations" class="card chat-side">
          <h2>Rooms</h2>
          <ul class="tabs">{rooms.map((room) => tab({ kind: 'room', name: room.name }, room.name, `(${room.memberCount})`))}</ul>
          {canWrite ? (
            <form class="toolbar" onSubmit={(event) => void join(event)}>
              <input class="grow" aria-label="Room to join" placeholder="Room" value={joinName} onInput={(e) => setJoinName(e.currentTarget.value)} />
              <button type="submit">Join</button>
            </form>
          ) : null}
          <details onToggle={(e) => (e.currentTarget.open && listing === undefined ? void loadListing() : undefined)}>
            <summary>All rooms</summary>
            <input aria-label="Filter rooms" placeholder="Filter rooms" value={roomFilter} onInput={(e) => setRoomFilter(e.currentTarget.value)} />
            {listing === undefined ? (
              <p class="muted">Loading…</p>
            ) : (
              <ul class="plain room-list" aria-label="All rooms">
                {listing
                  .filter((room) => room.name.toLowerCase().includes(roomFilter.trim().toLowerCase()))
                  .sort((a, b) => b.users - a.users)
                  .slice(0, LISTED_ROOMS)
                  .map((room) => (
                    <li key={room.name}>
                      <span class="grow">
                        {room.name} <span class="muted">({room.users})</span>
                      </span>
                      {canWrite && !room.joined ? (
                        <button type="button" class="secondary" aria-label={`Join ${room.name}`} onClick={() => void join(undefined, room.name)}>
                          Join
                        </button>
                      ) : null}
                    </li>
                  ))}
              </ul>
            )}
          </details>
          <h2>Private messages</h2>
          <ul class="tabs">{conversations.map((c) => tab({ kind: 'user', name: c.username }, c.username))}</ul>
          {canWrite ? (
            <form
              class="toolbar"
              onSubmit={(event) => {
                event.preventDefault();
                if (newUser.trim() !== '') void show({ kind: 'user', name: newUser.trim() });
                setNewUser('');
              }}
            >
              <input class="grow" aria-label="User to message" placeholder="Username" value={newUser} onInput={(e) => setNewUser(e.currentTarget.value)} />
              <button type="submit">Message</button>
            </form>
          ) : null}
          {permission === 'default' ? (
            <button type="button" class="secondary" onClick={() => void Notification.requestPermission().then(setPermission)}>
              Notify me of mentions and messages
            </button>
          ) : null}
        </nav>
        <div class="card chat-main">
          {target === undefined ? (
            <p class="muted">Join a room or pick a conversation.</p>
          ) : (
            <>
              <div class="toolbar">
                <h2 class="grow">{target.kind === 'room' ? `Room ${target.name}` : `With ${target.name}`}</h2>
                {target.kind === 'room' && canWrite ? (
                  <button type="button" class="secondary" onClick={() => void leave(target.name)}>
                    Leave
                  </button>
                ) : null}
              </div>
              <ol class="messages" aria-label={`Messages ${target.kind === 'room' ? 'in' : 'with'} ${target.name}`} aria-live="polite">
                {lines.map((line, i) => (
                  <li key={line.id > 0 ? line.id : `new-${i}`} class={line.own ? 'own' : line.mention ? 'mention' : ''}>
                    <span class="muted">{clock(line.time)}</span> <strong>{line.who}</strong> {line.text}
                  </li>
                ))}
              </ol>
              <div ref={bottom} />
              {canWrite ? (
                <form class="toolbar" onSubmit={(event) => void send(event)}>
                  <input class="grow" aria-label="Message" value={draft} onInput={(e) => setDraft(e.currentTarget.value)} maxLength={2048} />
                  <button type="submit">Send</button>
                </form>
              ) : null}
            </>
          )}
        </div>
        {target?.kind === 'room' ? (
          <aside class="card chat-members" aria-label="Members">
            <h2>Members ({members.length})</h2>
            <ul>
              {members.map((member) => (
                <li key={member.username}>
                  <span class={`presence ${member.status}`} aria-label={member.status} /> {member.username}
                </li>
              ))}
            </ul>
          </aside>
        ) : null}
      </div>
    </section>
  );
}
