// The demo's chat host: a client in the demo process that sits in the chat room, welcomes whoever
// joins and answers private messages with what to try, so `slsk chat` and `slsk pm` have someone
// to talk to.

import { Client } from '../src/client/index.ts';

export interface HostOptions {
  server: string;
  username: string;
  password: string;
  room: string;
  /** A line with something to try, for the greetings. */
  tip: string;
}

export async function startHost(options: HostOptions): Promise<Client> {
  const client = new Client({ listenHost: '127.0.0.1', reconnect: false });
  client.on('warning', () => {});
  client.on('userJoinedRoom', ({ room, member }) => {
    if (room === options.room && member.username !== options.username) {
      client.sayInRoom(room, `Welcome, ${member.username}! alice and bob share music on this network. ${options.tip}`);
    }
  });
  client.on('privateMessage', (message) => {
    if (message.from === options.username || message.from === 'server') return;
    client.sendPrivateMessage(message.from, `Hi ${message.from}, this is the demo host. ${options.tip} — or come and talk in room "${options.room}".`);
  });
  await client.login({ server: options.server, username: options.username, password: options.password });
  await client.joinRoom(options.room);
  return client;
}
