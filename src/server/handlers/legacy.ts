// Deprecated and defunct messages old clients still send: SendConnectTicket is relayed as it was,
// the rest are parsed and ignored (the handler table says which).

import { serverResponse } from '../../protocol/index.ts';
import type { ActiveContext, Handler } from './context.ts';

/** Parsed, logged at debug level, otherwise ignored. */
export function ignoredHandler(ctx: ActiveContext, message: { name: string }): void {
  ctx.session.log.debug({ user: ctx.user.username, message: message.name }, 'ignored message');
}

export const sendConnectTicket: Handler<'SendConnectTicket'> = ({ core, user }, m) => {
  // The predecessor of ConnectToPeer: relayed to the target with the sender's name.
  core.network.online.get(m.username)?.send(serverResponse.SendConnectTicket({ username: user.username, ticket: m.ticket }));
};
