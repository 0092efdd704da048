// The events that webhooks and scripts hear, declared once as TypeBox schemas: the payload types, the
// names a config may list (`webhooks[].events`, `scripts[].events`) and the JSON a receiver gets all
// come from HOOK_EVENTS. A receiver gets exactly `{ type, at, data }` as JSON.

import { Type, type Static } from 'typebox';

const User = Type.String({ description: 'Soulseek user name' });

/** Event name → shape of its `data`. */
export const HOOK_EVENTS = {
  /** A file finished downloading and sits in its final place. */
  downloadComplete: Type.Object({
    user: User,
    remotePath: Type.String({ description: 'The path as the sharer sent it' }),
    localPath: Type.String({ description: 'Where the file now is' }),
    size: Type.Number({ minimum: 0, description: 'Bytes' }),
  }),
  /** Every file of a folder download finished. */
  folderComplete: Type.Object({
    user: User,
    folder: Type.String({ description: 'The remote folder as the sharer sent it' }),
    files: Type.Integer({ minimum: 0, description: 'Files downloaded' }),
    localFolder: Type.String({ description: 'Where the files now are' }),
  }),
  privateMessage: Type.Object({ user: User, text: Type.String() }),
  /** Our user name was said in a room. */
  mention: Type.Object({ room: Type.String(), user: User, text: Type.String() }),
  /** A watched user came online. */
  userOnline: Type.Object({ user: User }),
} as const;

export type HookEventType = keyof typeof HOOK_EVENTS;
export const HOOK_EVENT_TYPES = Object.keys(HOOK_EVENTS) as HookEventType[];

const eventSchema = <K extends HookEventType>(type: K) =>
  Type.Object({
    type: Type.Literal(type),
    at: Type.String({ format: 'date-time', description: 'When it happened (ISO 8601, UTC)' }),
    data: HOOK_EVENTS[type],
  });

/** One event as delivered: the body of a webhook POST and a script's standard input. */
export const HookEventSchema = Type.Union([
  eventSchema('downloadComplete'),
  eventSchema('folderComplete'),
  eventSchema('privateMessage'),
  eventSchema('mention'),
  eventSchema('userOnline'),
]);

export type HookEvent = Static<typeof HookEventSchema>;

/** An event of one type, for callers that build one. */
export type HookEventOf<K extends HookEventType> = Extract<HookEvent, { type: K }>;

/** A hook listens to the events it lists; an empty list means every event. */
export const listensTo = (events: readonly string[], type: HookEventType): boolean => events.length === 0 || events.includes(type);
