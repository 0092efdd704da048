// Every message of every channel, keyed by the listing's name.

import { chatMessages, privateRoomMessages } from './server-chat.ts';
import { distributedServerMessages, interestMessages, privilegeMessages, searchMessages } from './server-search.ts';
import { sessionMessages } from './server-session.ts';

export { distributedMessages, peerInitMessages, peerMessages } from './peer.ts';

export const serverMessages = {
  ...sessionMessages,
  ...chatMessages,
  ...privateRoomMessages,
  ...searchMessages,
  ...distributedServerMessages,
  ...interestMessages,
  ...privilegeMessages,
};
