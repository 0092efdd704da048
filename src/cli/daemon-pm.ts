// `slsk pm` through a running daemon: the daemon sends the message (and keeps it in its conversation
// history); with --wait the answer is read off the daemon's event stream. Prints what the direct command
// prints.

import { DaemonApiError } from '../daemon/client.ts';
import { writeOut } from './command.ts';
import { ClientExit } from './client-options.ts';
import { CommandFailure } from './client-session.ts';
import { openDaemonEvents, type DaemonEventStream } from './daemon-events.ts';
import type { DaemonSession } from './daemon-link.ts';
import { clockTime } from './format.ts';
import { formatJson } from './json.ts';
import { interruptedExitCode } from './stop-signals.ts';

interface Reply {
  from: string;
  time: Date;
  text: string;
}

export async function pmViaDaemon(session: DaemonSession, username: string, text: string, waitMs: number | undefined, json: boolean): Promise<number> {
  const { api, io, signal } = session;
  let online: boolean;
  try {
    online = (await api.userStatus({ params: { username }, signal })).status !== 'offline';
  } catch (error) {
    if (error instanceof DaemonApiError && error.status === 404) throw new CommandFailure(`there is no user named ${JSON.stringify(username)} on the daemon's server`);
    throw error;
  }
  // Listen before sending: a quick answer may come back before the send returns.
  let answer: ((reply: Reply) => void) | undefined;
  const reply = new Promise<Reply>((resolve) => (answer = resolve));
  let stream: DaemonEventStream | undefined;
  if (waitMs !== undefined) {
    stream = await openDaemonEvents(session, ['privateMessage'], (event) => {
      if (event.event !== 'privateMessage' || event.data.direction !== 'in' || event.data.username !== username) return;
      answer?.({ from: event.data.username, time: new Date(event.data.time), text: event.data.text });
      answer = undefined;
    });
  }
  try {
    await api.sendPrivateMessage({ params: { username }, body: { text } });
    if (json) await writeOut(io.stdout, formatJson({ event: 'sent', to: username, text, online }, false) + '\n');
    else await writeOut(io.stdout, `sent to ${username}${online ? '' : ` (offline: the server keeps the message until ${username} logs in)`}\n`);
    if (waitMs === undefined) return ClientExit.ok;

    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), waitMs)));
    const stopped = new Promise<'stopped'>((resolve) => {
      if (signal.aborted) resolve('stopped');
      signal.addEventListener('abort', () => resolve('stopped'), { once: true });
    });
    const ended = stream!.ended.then(() => 'ended' as const);
    const outcome = await Promise.race([reply, timedOut, stopped, ended]);
    clearTimeout(timer);
    if (outcome === 'timeout') throw new CommandFailure(`no answer from ${username} within ${waitMs / 1000} s`);
    if (outcome === 'stopped') throw new CommandFailure(`interrupted while waiting for ${username}'s answer`, interruptedExitCode(session.stopRequest() ?? 'SIGINT'));
    if (outcome === 'ended') throw new CommandFailure(`the daemon at ${session.link.url} stopped while waiting for ${username}'s answer`, ClientExit.serverUnreachable);
    if (json) await writeOut(io.stdout, formatJson({ event: 'reply', from: outcome.from, time: outcome.time.toISOString(), text: outcome.text }, false) + '\n');
    else await writeOut(io.stdout, `[${clockTime(outcome.time)}] <${outcome.from}> ${outcome.text}\n`);
    return ClientExit.ok;
  } finally {
    stream?.close();
  }
}
