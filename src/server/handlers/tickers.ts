// Room tickers (the room wall): SetRoomTicker from a user in the room replaces that user's ticker,
// or clears it when empty; the room's users hear RoomTickerRemoved and RoomTickerAdded.

import { serverResponse } from '../../protocol/index.ts';
import type { Room } from '../network.ts';
import { MAX_TICKER_LENGTH, type EvictedTicker } from '../private-rooms.ts';
import type { Handler } from './context.ts';
import { persist } from './private-rooms.ts';

/** Counted in code points, so an emoji is one character as a person would count it. */
function characters(text: string): number {
  if (text.length <= MAX_TICKER_LENGTH) return text.length;
  let count = 0;
  for (const _ of text) count++;
  return count;
}

function tell(room: Room, frame: Uint8Array): void {
  for (const member of room.members) member.send(frame);
}

/** Row overhead charged per stored ticker besides its text and room name. */
const TICKER_ROW_BYTES = 48;

export const setRoomTicker: Handler<'SetRoomTicker'> = async ({ core, user }, m) => {
  const room = core.network.rooms.get(m.room);
  // Joined users only, as on the official server: for a private room that also means a member.
  if (room === undefined || !room.members.has(user)) {
    return core.sendServerNotice(user, `You must be in room ${m.room} to set its ticker.`);
  }
  const length = characters(m.ticker);
  if (length > MAX_TICKER_LENGTH) {
    return core.sendServerNotice(user, `Tickers are at most ${MAX_TICKER_LENGTH} characters; yours has ${length}.`);
  }
  if (m.ticker !== '' && !core.chargeStorage(user, Buffer.byteLength(m.ticker) + Buffer.byteLength(room.name) + TICKER_ROW_BYTES, 'ticker')) return;
  const tickers = core.network.tickers;
  if (tickers.clear(room.name, user.username)) tell(room, serverResponse.RoomTickerRemoved({ room: room.name, username: user.username }));
  let evicted: EvictedTicker[] = [];
  if (m.ticker !== '') {
    evicted = tickers.set(room.name, user.username, m.ticker);
    for (const old of evicted) {
      const where = core.network.rooms.get(old.room);
      if (where !== undefined) tell(where, serverResponse.RoomTickerRemoved(old));
    }
    tell(room, serverResponse.RoomTickerAdded({ room: room.name, username: user.username, ticker: m.ticker }));
  }
  await persist(core, 'set room ticker', async () => {
    for (const old of evicted) await core.store.clearRoomTicker(old.room, old.username);
    if (m.ticker === '') await core.store.clearRoomTicker(room.name, user.username);
    else await core.store.setRoomTicker(room.name, user.username, m.ticker);
  });
};
