// `slsk daemon`: the always-on client with its HTTP API, in the foreground until Ctrl-C or SIGTERM.
// This module stays light: the settings loader and the daemon (Fastify, SQLite, the client) are
// imported only when it runs, so `slsk daemon --help` costs nothing.

import { readFileSync } from 'node:fs';
import { ExitCode, type CliIo, type Command } from '../command.ts';
import { clockTime } from '../format.ts';
import { watchStopRequests } from '../stop-signals.ts';
import { HeapCompactor } from '../heap-compaction.ts';
import { keepYoungGenerationSmall } from '../young-generation.ts';
import type { DaemonNote } from '../../daemon/daemon.ts';

const help = `Run the daemon: stay online, share, download and answer the HTTP API until stopped.

Usage: slsk daemon [--config FILE] [--data DIR] [--port N] [--share DIR]... [--json] [--SETTING VALUE]...

Options:
  --config FILE       the settings file (YAML or JSON); default <data>/daemon.yaml when it exists
                      (also SLSK_DAEMON_CONFIG). daemon.example.yaml lists every setting
  --data DIR          the data folder: store, transfers, shares index, password, local token
                      (default $SLSK_DATA, else $XDG_DATA_HOME/slsk, else ~/.local/share/slsk)
  --server HOST:PORT  the Soulseek server (default server.slsknet.org:2242)
  --username NAME     the Soulseek account (also SLSK_USERNAME)
  --password PASS     its password (better: SLSK_PASSWORD or the config file)
  --share DIR         share DIR with everyone; may be given several times
  --host ADDR         address the API listens on (default 127.0.0.1)
  --port N            port the API listens on (default 5030; 0 picks a free one)
  --json              JSON Lines on stdout instead of text, one per event (below)
  --GROUP.NAME VALUE  any setting, e.g. --transfers.uploadSlots 4, --shares.rescanIntervalMinutes 0
Settings come from the config file, then SLSK_* environment variables (SLSK_TRANSFERS_UPLOAD_SLOTS),
then flags, each overriding the one before.

On the first start with no web login and no API key configured, it makes a password for the web
login "admin" and prints it once (only its hash is kept, in <data>/daemon-auth.json; delete that file
to get a new one). Commands on this machine use the token in <data>/daemon.token, and find the API in
<data>/daemon.json ({"url", "pid"}, removed at a clean stop): slsk search, download, get, browse,
info, pm, chat, rooms, interests, recommendations, similar and transfers then go through the daemon
instead of logging in a second time.
  curl -H "Authorization: Bearer $(cat <data>/daemon.token)" http://127.0.0.1:5030/api/v1/application
The API is described at http://127.0.0.1:5030/api/v1/docs; live events stream from /api/v1/events.

Output: the address, the data folder, then a line per notable event: logged in, disconnected,
shares scanned, transfer done. --json prints instead, each with "event" and "time" (ms since epoch):
  {"event": "started", "url", "dataFolder", "configFile", "firstEventId"}   always the first line;
      GET /api/v1/events?lastEventId=<firstEventId - 1> replays this run's events from its start
  {"event": "password", "username", "password"}            first start only
  {"event": "serverConnection", "state", "username", "reason"}
  {"event": "scanned", "folders", "files"}   {"event": "scanFailed", "message"}
  {"event": "transferDone", "direction", "username", "filename", "state", "reason"}
  {"event": "warning", "message"}            {"event": "stopped"}
Ctrl-C or SIGTERM (kill PID, systemd, docker stop) stops it cleanly: the API closes, unfinished
transfers are kept for the next start, and it exits 0. A second one exits at once.

Exit status:
  0    stopped by Ctrl-C or SIGTERM
  1    could not start (the port is taken, the data folder is not usable…)
  2    the command line or the settings are wrong (the message names the setting)

Examples:
  slsk daemon --username alice --share ~/Music      log in as alice, share ~/Music
  slsk daemon --config /etc/slsk/daemon.yaml --json
  SLSK_PASSWORD=s3cret slsk daemon --port 5031 --data /srv/slsk
`;

export const daemonCommand: Command = {
  usage: 'slsk daemon [--config FILE] [--data DIR] [--port N] [--share DIR]... [--json]',
  help,
  run,
};

type Line = { event: string } & Record<string, unknown>;

function printer(io: CliIo, json: boolean): (line: Line, text: string) => void {
  return (line, text) => {
    io.stdout.write(json ? `${JSON.stringify({ ...line, time: Date.now() })}\n` : `[${clockTime(new Date())}] ${text}\n`);
  };
}

function noteLine(note: DaemonNote): [Line, string] {
  switch (note.kind) {
    case 'connection': {
      const { state, username, reason } = note.event;
      const text =
        state === 'loggedIn' ? `logged in as ${username ?? '?'}` : state === 'connecting' ? 'logging in' : `${state}${reason === undefined ? '' : `: ${reason}`}`;
      return [{ event: 'serverConnection', ...note.event }, text];
    }
    case 'scanned':
      return [{ event: 'scanned', folders: note.summary.folders, files: note.summary.files }, `shares scanned: ${note.summary.files} files in ${note.summary.folders} folders`];
    case 'scanFailed':
      return [{ event: 'scanFailed', message: note.message }, `the shares scan failed: ${note.message}`];
    case 'transferDone': {
      const t = note.transfer;
      const line = { event: 'transferDone', direction: t.direction, username: t.username, filename: t.filename, state: t.state, reason: t.reason ?? null };
      return [line, `${t.direction} ${t.state}: ${t.filename} ${t.direction === 'download' ? 'from' : 'to'} ${t.username}${t.reason === undefined ? '' : ` (${t.reason})`}`];
    }
    case 'warning':
      return [{ event: 'warning', message: note.message }, `warning: ${note.message}`];
  }
}

function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  // Before anything else allocates: start-up is the burst that would grow it (see young-generation.ts).
  keepYoungGenerationSmall(process.env, process.execArgv);
  const json = argv.includes('--json');
  const settingsArgv = argv.filter((arg) => arg !== '--json');
  const print = printer(io, json);
  const config = await import('../../daemon/config/index.ts');

  let loaded;
  try {
    loaded = await config.loadDaemonConfig({ argv: settingsArgv, env: io.env });
  } catch (error) {
    if (!(error instanceof config.DaemonConfigError)) throw error;
    io.stderr.write(`slsk daemon: ${error.message}\n`);
    return ExitCode.usage;
  }
  const dataDir = loaded.config.data.folder;
  // Asked to stop while starting: stop as soon as it is up.
  const stopRequested = Promise.withResolvers<void>();
  const stopWatch = watchStopRequests(io.env, () => stopRequested.resolve());
  try {
    let web;
    let token;
    try {
      web = await config.ensureWebPassword(loaded.config, dataDir);
      token = await config.ensureLocalToken(dataDir);
    } catch (error) {
      io.stderr.write(`slsk daemon: cannot set up the login in the data folder ${dataDir}: ${error instanceof Error ? error.message : String(error)}\n`);
      return ExitCode.failure;
    }
    const { Daemon } = await import('../../daemon/daemon.ts');
    // What happens while it starts (the login, a quick scan) is printed after the `started` line.
    let pending: DaemonNote[] | undefined = [];
    // The heap's empty room is given back after start-up and after each scan (see heap-compaction.ts).
    const compactor = new HeapCompactor();
    const note = (n: DaemonNote): void => {
      if (pending === undefined) print(...noteLine(n));
      else pending.push(n);
      if (n.kind === 'scanned' || n.kind === 'scanFailed') setImmediate(() => compactor.request());
    };
    let daemon;
    try {
      daemon = await Daemon.start({
        config: config.withLocalToken(web.config, token),
        version: packageVersion(),
        onNote: note,
        // Settings changed through the API are written back here (else to <data>/daemon.yaml).
        configFile: loaded.configFile,
      });
    } catch (error) {
      io.stderr.write(`slsk daemon: could not start: ${error instanceof Error ? error.message : String(error)}\n  check http.host/http.port (--port), soulseek.listenPort and the data folder ${dataDir}\n`);
      return ExitCode.failure;
    }
    // Where the one-shot commands find us (with the token), written before `started` is printed, so
    // whoever waits for that line finds the file; gone again at a clean stop.
    const { writeDaemonFile, removeDaemonFile } = await import('../../daemon/config/daemon-file.ts');
    const notWritten = await writeDaemonFile(dataDir, { url: daemon.url, pid: process.pid }).then(
      () => undefined,
      (error: unknown) => String(error),
    );
    print(
      { event: 'started', url: daemon.url, dataFolder: dataDir, configFile: loaded.configFile ?? null, firstEventId: daemon.hub.settings.firstId },
      `listening on ${daemon.url} (API docs: ${daemon.url}/api/v1/docs)\n  data folder: ${dataDir}${loaded.configFile === undefined ? '' : `\n  settings: ${loaded.configFile}`}`,
    );
    if (web.password !== undefined) {
      const username = web.config.auth.web?.username ?? config.DEFAULT_WEB_USERNAME;
      print(
        { event: 'password', username, password: web.password },
        `first start: log in to ${daemon.url} as "${username}" with the password ${web.password}\n` +
          `  it is shown only this once (only its hash is kept, in ${dataDir}/${config.AUTH_FILE_NAME}; delete that file for a new one)`,
      );
    }
    if (notWritten !== undefined) {
      print({ event: 'warning', message: `cannot write ${dataDir}/daemon.json: ${notWritten}` }, `warning: cannot write ${dataDir}/daemon.json (slsk commands will not find this daemon): ${notWritten}`);
    }
    for (const n of pending) print(...noteLine(n));
    pending = undefined;
    compactor.request();
    await stopRequested.promise;
    compactor.close();
    await removeDaemonFile(dataDir, process.pid).catch(() => {});
    await daemon.stop();
    print({ event: 'stopped' }, 'stopped');
    return ExitCode.ok;
  } finally {
    stopWatch.dispose();
  }
}
