// The options and log routes (spread into the route table in routes.ts): a change of settings checked
// or applied while the daemon runs, and the daemon's recent log lines. Imports only typebox: the browser
// client imports the table.

import { Type } from 'typebox';
import { route } from './route.ts';

const OptionsPatch = Type.Record(Type.String(), Type.Unknown(), {
  title: 'OptionsPatch',
  description: 'Settings to change, grouped as in the config file, e.g. {"transfers": {"uploadSlots": 4}}; a list (shares.folders) is replaced whole',
});

const OptionsProblem = Type.Object({
  setting: Type.String({ description: 'The setting at fault, e.g. transfers.uploadSlots or shares.folders[0].path' }),
  message: Type.String(),
});

const LogLevel = Type.Union([Type.Literal('trace'), Type.Literal('debug'), Type.Literal('info'), Type.Literal('warn'), Type.Literal('error'), Type.Literal('fatal')]);

export const LogLineJson = Type.Object(
  {
    seq: Type.Integer({ minimum: 1, description: 'Pass the last one seen as `before` for the next (older) page' }),
    level: LogLevel,
    time: Type.String({ format: 'date-time' }),
    message: Type.String(),
  },
  { title: 'LogLine' },
);

export const optionsRoutes = {
  validateOptions: route({
    method: 'POST',
    path: '/api/v1/options/validate',
    access: 'write',
    summary: 'Check a change of settings without applying it: every problem names its setting (unknown, invalid, or needing a restart)',
    body: OptionsPatch,
    responses: { 200: Type.Object({ valid: Type.Boolean(), changed: Type.Array(Type.String()), problems: Type.Array(OptionsProblem) }, { title: 'OptionsCheck' }) },
  }),
  patchOptions: route({
    method: 'PATCH',
    path: '/api/v1/options',
    access: 'admin',
    summary:
      'Change settings while running (speed limits, upload slots, search defaults, shared folders, rescan interval, watching, log level) and write them to the config file; ' +
      '400 names each setting that cannot change (it needs a restart) or is invalid, and nothing is changed',
    body: OptionsPatch,
    responses: {
      200: Type.Object(
        {
          changed: Type.Array(Type.String(), { description: 'The settings changed, as dotted paths' }),
          persistedTo: Type.Union([Type.String(), Type.Null()], { description: 'The config file the change was written to (null if writing failed)' }),
          persistError: Type.Optional(Type.String({ description: 'Why the change could not be written: it is in effect until the daemon stops' })),
          options: Type.Record(Type.String(), Type.Unknown(), { description: 'The options now in effect, secrets redacted' }),
        },
        { title: 'OptionsChanged' },
      ),
    },
  }),
  logs: route({
    method: 'GET',
    path: '/api/v1/logs',
    access: 'read',
    summary: "The daemon's recent log lines, newest first (a bounded ring; live lines arrive as `log` events); pass the last `seq` as `before` for older ones",
    query: Type.Object({
      level: Type.Optional(LogLevel),
      before: Type.Optional(Type.Integer({ minimum: 1 })),
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'Default 100' })),
    }),
    responses: { 200: Type.Array(LogLineJson) },
  }),
} as const;
