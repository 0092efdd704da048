// Structured logs: one JSON line per session event, through pino (fast, and the format log
// tooling already reads).

import { destination, pino, stdTimeFunctions, type DestinationStream, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string, stream?: DestinationStream): Logger {
  return pino(
    { level, base: { service: 'slsk-server' }, timestamp: stdTimeFunctions.isoTime },
    stream ?? destination({ dest: 1, sync: false }),
  );
}

/** A logger that drops everything (library use and tests that do not look at logs). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
