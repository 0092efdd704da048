// `slsk chat ROOM` through a running daemon: the daemon joins the room (and leaves it at the end unless it
// was in it already), the room's messages, comings and goings and our private messages come off its event
// stream, and each line is said through POST /rooms/:room/messages. The chat loop and its output are
// chat.ts's own.

import type { ChatBackend, RoomFeed } from './commands/chat.ts';
import type { RoomMember } from '../client/index.ts';
import type { RoomMemberJson } from '../daemon/http/room-routes.ts';
import { CommandFailure } from './client-session.ts';
import { ClientExit } from './client-options.ts';
import { openDaemonEvents, type DaemonEventStream } from './daemon-events.ts';
import type { DaemonSession } from './daemon-link.ts';

const asMember = (m: RoomMemberJson): RoomMember => ({
  username: m.username,
  status: m.status,
  // The daemon does not list a member's uploads.
  stats: { avgSpeed: m.uploadSpeed, uploads: 0, files: m.files, folders: m.folders },
  slotsFree: m.slotsFree,
  country: m.country,
});

export async function daemonChat(session: DaemonSession, room: string): Promise<ChatBackend> {
  const { api } = session;
  const wasIn = (await api.joinedRooms({ signal: session.signal })).some((joined) => joined.name === room);
  // Ends the chat when the daemon goes away or is put out of the room, as well as on Ctrl-C.
  const lost = new AbortController();
  let lostWhy: string | undefined;
  const signal = AbortSignal.any([session.signal, lost.signal]);
  let stream: DaemonEventStream | undefined;
  // Lines are said in order; the chat leaves only once they all went out.
  let sending: Promise<void> = Promise.resolve();
  return {
    self: session.link.username,
    signal,
    async join(feed: RoomFeed) {
      let inRoom = false;
      stream = await openDaemonEvents(session, ['roomMessage', 'roomMembership', 'privateMessage', 'roomLeft'], (event) => {
        if (event.event === 'roomMessage' && event.data.room === room) feed.message(event.data);
        else if (event.event === 'privateMessage' && event.data.direction === 'in') feed.privateMessage({ from: event.data.username, text: event.data.text, time: new Date(event.data.time) });
        else if (inRoom && event.event === 'roomMembership' && event.data.room === room) {
          if (event.data.change === 'joined') feed.joined({ username: event.data.username, status: 'online', stats: { avgSpeed: 0, uploads: 0, files: 0, folders: 0 }, slotsFree: 0, country: '' });
          else feed.left(event.data.username);
        } else if (event.event === 'roomLeft' && event.data.room === room && inRoom) {
          lostWhy = `the daemon is no longer in ${room} (${event.data.reason})`;
          lost.abort();
        }
      });
      void stream.ended.then(() => {
        if (signal.aborted) return;
        lostWhy = `the daemon at ${session.link.url} stopped`;
        lost.abort();
      });
      await api.joinRoom({ params: { room }, query: {} });
      const members = await api.roomMembers({ params: { room } });
      inRoom = true;
      return members.map(asMember);
    },
    say(text) {
      sending = sending.then(async () => {
        await api.sendRoomMessage({ params: { room }, body: { text } }).catch((error: unknown) => {
          session.io.stderr.write(`slsk chat: not sent: ${error instanceof Error ? error.message : String(error)}\n`);
        });
      });
    },
    async finish() {
      await sending;
      stream?.close();
      if (lostWhy !== undefined) throw new CommandFailure(lostWhy, ClientExit.serverUnreachable);
      if (!wasIn) await api.leaveRoom({ params: { room } });
    },
  };
}
