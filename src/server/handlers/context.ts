// What a message handler gets: the server it runs in, the session the message came from, and,
// once logged in, the user.

import type { ServerRequest, ServerRequestOf } from '../../protocol/index.ts';
import type { ServerCore } from '../core.ts';
import type { OnlineUser } from '../network.ts';
import type { Session } from '../session.ts';

export interface ActiveContext {
  readonly core: ServerCore;
  readonly session: Session;
  readonly user: OnlineUser;
}

export type Handler<N extends ServerRequest['name']> = (ctx: ActiveContext, message: ServerRequestOf<N>) => void | Promise<void>;

/** One handler per message a logged-in client may send; the type makes a missing one a compile error. */
export type HandlerTable = { readonly [N in Exclude<ServerRequest['name'], 'Login'>]: Handler<N> };
