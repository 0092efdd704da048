// System: the daemon's version and uptime, and its connection to the Soulseek server (live from the
// event stream; connect and disconnect for keys that may change things).

import { useEffect, useState } from 'preact/hooks';
import { api, messageOf } from './api.ts';
import type { LiveEvents } from './live.ts';

type Application = Awaited<ReturnType<typeof api.application>>;
type LogLine = { key: string; level: string; time: string; message: string };
/** Log lines kept on screen (the daemon keeps its own ring; older ones are a reload away). */
const MAX_LOG_LINES = 200;
type Connection = Application['server'];

const STATE_TEXT: Record<string, string> = {
  loggedIn: 'Logged in',
  connecting: 'Connecting',
  reconnecting: 'Reconnecting',
  disconnecting: 'Disconnecting',
  disconnected: 'Disconnected',
};

function duration(seconds: number): string {
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return d > 0 ? `${d} d ${h} h` : h > 0 ? `${h} h ${m} min` : `${m} min ${seconds % 60} s`;
}

export function SystemScreen({ live, canWrite }: { live: LiveEvents; canWrite: boolean }) {
  const [app, setApp] = useState<Application | undefined>();
  const [connection, setConnection] = useState<Connection | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [logs, setLogs] = useState<LogLine[]>([]);

  const load = async (): Promise<void> => {
    try {
      const recent = await api.logs({ query: { limit: 50 } });
      setLogs(recent.map((line) => ({ key: `s${line.seq}`, level: line.level, time: line.time, message: line.message })));
      const state = await api.application();
      setApp(state);
      setConnection(state.server);
      setError(undefined);
    } catch (caught) {
      setError(messageOf(caught));
    }
  };
  useEffect(() => {
    void load();
    const offEvent = live.on('serverConnection', (data) => setConnection((current) => ({ ...current, state: data.state === 'reconnecting' ? 'connecting' : data.state, ...(data.username === undefined ? {} : { username: data.username }) })));
    let received = 0;
    const offLog = live.on('log', (line) => setLogs((current) => [{ key: `e${++received}`, ...line }, ...current].slice(0, MAX_LOG_LINES)));
    const offReload = live.onReload(() => void load());
    return () => {
      offEvent();
      offLog();
      offReload();
    };
  }, [live]);

  const act = async (action: 'connect' | 'disconnect'): Promise<void> => {
    try {
      setConnection(action === 'connect' ? await api.connect() : await api.disconnect());
    } catch (caught) {
      setError(messageOf(caught));
    }
  };

  return (
    <section aria-labelledby="system-title" class="screen">
      <h1 id="system-title">System</h1>
      {error === undefined ? null : <p role="alert" class="error">{error}</p>}
      <div class="card">
        <h2>Soulseek server</h2>
        <dl>
          <dt>State</dt>
          <dd data-testid="server-state">{connection === undefined ? '…' : (STATE_TEXT[connection.state] ?? connection.state)}</dd>
          <dt>Server</dt>
          <dd>{connection?.address ?? '—'}</dd>
          <dt>Account</dt>
          <dd>{connection?.username ?? '—'}</dd>
        </dl>
        {canWrite ? (
          connection?.state === 'disconnected' ? (
            <button type="button" onClick={() => void act('connect')}>Connect</button>
          ) : (
            <button type="button" onClick={() => void act('disconnect')} disabled={connection === undefined}>Disconnect</button>
          )
        ) : null}
      </div>
      <div class="card">
        <h2>Log</h2>
        <ol class="log" aria-label="Log, newest first">
          {logs.map((line) => (
            <li key={line.key} class={`level-${line.level}`}>
              <span class="muted">{new Date(line.time).toLocaleTimeString()}</span> <span class="level">{line.level}</span> {line.message}
            </li>
          ))}
        </ol>
      </div>
      <div class="card">
        <h2>Daemon</h2>
        <dl>
          <dt>Version</dt>
          <dd>{app?.version ?? '…'}</dd>
          <dt>Running for</dt>
          <dd>{app === undefined ? '…' : duration(app.uptimeSeconds)}</dd>
        </dl>
      </div>
    </section>
  );
}
