// The handlers of the options and log routes: a refused change is a 400 naming every setting at fault
// (the first one as the error's field), the log ring's lines as JSON.

import type { Handlers } from './route.ts';
import type { optionsRoutes } from './options-routes.ts';
import { HttpError } from './errors.ts';
import { redactSecrets } from './redact.ts';
import type { DaemonServices } from './services.ts';
import { OptionsPatchError } from '../options-problems.ts';

/** The JSON pointer of a setting in the request body: shares.folders[0].path → /body/shares/folders/0/path. */
const fieldOf = (setting: string): string => `/body/${setting.replace(/\[(\d+)\]/g, '.$1').split('.').join('/')}`;

export function optionsHandlers(services: DaemonServices, secretKeys: readonly string[] | undefined): Handlers<typeof optionsRoutes> {
  return {
    validateOptions: async ({ body }) => {
      const check = services.settings.validate(body);
      return { status: 200, body: check.ok ? { valid: true, changed: [...check.changed], problems: [] } : { valid: false, changed: [], problems: [...check.problems] } };
    },
    patchOptions: async ({ body }) => {
      try {
        const applied = await services.settings.apply(body);
        return {
          status: 200,
          body: {
            changed: [...applied.changed],
            persistedTo: applied.persistedTo ?? null,
            ...(applied.persistError === undefined ? {} : { persistError: applied.persistError }),
            options: redactSecrets(services.options(), secretKeys) as Record<string, unknown>,
          },
        };
      } catch (error) {
        if (!(error instanceof OptionsPatchError)) throw error;
        const first = error.problems[0]?.setting;
        throw new HttpError(400, 'invalid_options', `Nothing was changed: ${error.message}`, first === undefined || first === '' ? {} : { field: fieldOf(first) });
      }
    },
    logs: async ({ query }) => ({
      status: 200,
      body: services.logs.list(query).map((line) => ({ seq: line.seq, level: line.level, time: new Date(line.time).toISOString(), message: line.message })),
    }),
  };
}
