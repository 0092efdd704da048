// `slsk transfers watch`: the daemon's transfer events as they happen, one line per change of state and
// a progress line per transfer every few seconds (or every event as JSON Lines), until Ctrl-C.

import type { TransferJson } from '../daemon/http/transfer-routes.ts';
import { writeOut } from './command.ts';
import { ClientExit } from './client-options.ts';
import { transferLine } from './commands/transfers.ts';
import { openDaemonEvents } from './daemon-events.ts';
import type { DaemonSession } from './daemon-link.ts';
import { humanSize, humanSpeed } from './format.ts';
import { formatJson } from './json.ts';

/** A text progress line per transfer at most this often. */
const PROGRESS_EVERY_MS = 5000;
/** Transfers remembered for their names (progress events carry only the id); the oldest go first past this. */
const MAX_KNOWN = 10_000;

type Known = Pick<TransferJson, 'direction' | 'username' | 'filename'>;

export async function watchTransfers(
  session: DaemonSession,
  filter: { direction: 'download' | 'upload' | undefined; username: string | undefined },
  json: boolean,
): Promise<number> {
  const { api, io, signal } = session;
  const known = new Map<string, Known & { shownAt: number }>();
  const remember = (id: string, t: Known): void => {
    if (!known.has(id) && known.size >= MAX_KNOWN) known.delete(known.keys().next().value!);
    known.set(id, { direction: t.direction, username: t.username, filename: t.filename, shownAt: known.get(id)?.shownAt ?? 0 });
  };
  const wanted = (t: Known): boolean => (filter.direction === undefined || t.direction === filter.direction) && (filter.username === undefined || t.username === filter.username);
  let writing = Promise.resolve();
  const out = (text: string): void => {
    writing = writing.then(() => writeOut(io.stdout, text));
  };
  const stream = await openDaemonEvents(session, ['transferState', 'transferProgress'], (event) => {
    if (event.event === 'transferState') {
      const data = event.data;
      remember(data.id, data);
      if (!wanted(data)) return;
      if (data.state === 'removed') known.delete(data.id);
      if (json) out(formatJson({ event: event.event, ...data, time: Date.now() }, false) + '\n');
      else out(transferLine(data, data.error === undefined ? data.state : `${data.state}: ${data.error}`));
    } else if (event.event === 'transferProgress') {
      const data = event.data;
      const t = known.get(data.id);
      if (t === undefined || !wanted(t)) return;
      if (json) {
        out(formatJson({ event: event.event, ...data, direction: t.direction, username: t.username, filename: t.filename, time: Date.now() }, false) + '\n');
        return;
      }
      const now = Date.now();
      if (now - t.shownAt < PROGRESS_EVERY_MS && data.bytesTransferred < data.size) return;
      t.shownAt = now;
      const percent = data.size > 0 ? `${Math.floor((data.bytesTransferred / data.size) * 100)}%, ` : '';
      out(transferLine(t, `${percent}${humanSize(data.bytesTransferred)} of ${humanSize(data.size)}, ${humanSpeed(data.speed)}`));
    }
  });
  try {
    // Names for the transfers already running: their progress events carry only the id.
    const reply = await api.transfers({ query: { summary: false } });
    for (const user of reply.users) for (const folder of user.folders) for (const t of folder.transfers ?? []) remember(t.id, t);
    // On stderr with --json too: a script (or a test) knows from it that nothing from now on is missed.
    io.stderr.write(`watching the daemon's transfers (${reply.totals.files} now); Ctrl-C to stop\n`);
    const stopped = new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await Promise.race([stream.ended, stopped]);
    await writing;
    if (signal.aborted) return ClientExit.ok;
    io.stderr.write(`slsk transfers: the daemon at ${session.link.url} closed the event stream (it stopped)\n`);
    return ClientExit.serverUnreachable;
  } finally {
    stream.close();
  }
}
