// The always-on daemon keeps V8's young generation at its starting size.
//
// V8 grows the young generation (two "semi-spaces", where new objects are made) up to 32 MB each on
// a 64-bit machine as soon as a burst of allocation asks for it (start-up, a scan, a large search),
// and the pages stay resident for the life of the process: an idle daemon measured 146 MB RSS, of
// which 64 MB was the young generation holding 0.1 MB of live objects. A long-running process that is
// mostly idle has no use for that room: objects that live (the shares index, the store's caches) end
// up in the old generation anyway, and a small young generation only means more, cheaper scavenges.
//
// The limit (--max-semi-space-size) is read only when the heap is made, which is before any of our
// code runs; the growth factor is read at each scavenge, so setting it to 1 now keeps the semi-spaces
// at the size they started with (1 MB). Someone who wants otherwise says so in NODE_OPTIONS or on
// node's command line (--max-semi-space-size, --semi-space-growth-factor), and that is left alone.

import { setFlagsFromString } from 'node:v8';

const SEMI_SPACE_FLAG = /--(max-semi-space-size|min-semi-space-size|semi-space-growth-factor)\b/;

/** Keeps the young generation small for this process; false (nothing done) when the user chose its size. */
export function keepYoungGenerationSmall(env: NodeJS.ProcessEnv, execArgv: readonly string[]): boolean {
  if (SEMI_SPACE_FLAG.test(env['NODE_OPTIONS'] ?? '') || execArgv.some((arg) => SEMI_SPACE_FLAG.test(arg))) return false;
  setFlagsFromString('--semi-space-growth-factor=1');
  return true;
}
