// The logged-in page: a header with the daemon's live state and the screens below it. One event
// stream serves every screen.

import { useEffect, useMemo, useState } from 'preact/hooks';
import { api } from './api.ts';
import { LiveEvents, type StreamState } from './live.ts';
import { SystemScreen } from './system.tsx';

export function Shell({ user, role, onLoggedOut }: { user: string | null; role: string; onLoggedOut: () => void }) {
  const live = useMemo(() => new LiveEvents(), []);
  const [stream, setStream] = useState<StreamState>(live.state);
  useEffect(() => {
    const off = live.onState(setStream);
    // It may have opened between the render and this subscription.
    setStream(live.state);
    return () => {
      off();
      live.close();
    };
  }, [live]);

  const logout = async (): Promise<void> => {
    await api.logout().catch(() => undefined);
    onLoggedOut();
  };

  return (
    <div class="shell">
      <header class="bar">
        <span class="brand">slsk-ts</span>
        <nav aria-label="Screens">
          <a href="#system" aria-current="page">
            System
          </a>
        </nav>
        <span class={`stream ${stream}`} role="status" aria-label="Live updates">
          {stream === 'online' ? 'Live' : stream === 'connecting' ? 'Connecting…' : 'Offline, reconnecting…'}
        </span>
        <span class="muted">{user ?? role}</span>
        <button type="button" onClick={() => void logout()}>
          Log out
        </button>
      </header>
      <main>
        <SystemScreen live={live} canWrite={role !== 'read'} />
      </main>
    </div>
  );
}
