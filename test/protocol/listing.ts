// Reads the message names, and the directions each travels in, out of MESSAGES.rst, so a test can
// check that no message of the listing is missing from the codec.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Channel, Direction } from '../../src/protocol/index.ts';

const here = dirname(fileURLToPath(import.meta.url));
const shared = join(here, '../../../shared/protocol/MESSAGES.rst');
const vendored = join(here, '../fixtures/MESSAGES.rst');

export interface ListedMessage {
  channel: Channel;
  name: string;
  directions: Direction[];
}

const sections: [string, Channel][] = [
  ['Server Messages', 'server'],
  ['Peer Initialization Messages', 'peer-init'],
  ['Peer Messages', 'peer'],
  ['Distributed Messages', 'distributed'],
];

export function readListing(): ListedMessage[] {
  const text = readFileSync(existsSync(shared) ? shared : vendored, 'utf8');
  const lines = text.split('\n');
  const out: ListedMessage[] = [];
  let channel: Channel | undefined;
  let current: ListedMessage | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const section = sections.find(([title]) => line === title && lines[i + 1]?.startsWith('===='));
    if (section) channel = section[1];
    if (line === 'File Messages') channel = undefined;
    const anchor = /^\.\. _([A-Za-z0-9]+):$/.exec(line);
    if (anchor && channel) {
      current = { channel, name: anchor[1]!, directions: [] };
      out.push(current);
    }
    if (!current) continue;
    if (current.channel === 'server') {
      // "Send: Nothing" still means the message is sent (with no fields).
      if (line.startsWith(':Send:')) current.directions.push('request');
      if (line.startsWith(':Receive:')) current.directions.push('response');
    } else if (line.startsWith(':Send/Receive:') && current.directions.length === 0) {
      current.directions.push('both');
    }
  }
  return out;
}
