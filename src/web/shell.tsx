// The logged-in page: a header with the daemon's live state and the screen chosen in the address's
// #fragment (so the back button and a reload keep it). One event stream serves every screen.

import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, isUnauthorized } from './api.ts';
import { BrowseScreen, type BrowseRequest } from './browse.tsx';
import { ChatScreen } from './chat.tsx';
import { LiveEvents, type StreamState } from './live.ts';
import { SearchScreen } from './search.tsx';
import { SharesScreen } from './shares.tsx';
import { SystemScreen } from './system.tsx';
import { TransfersScreen } from './transfers.tsx';
import { UsersScreen } from './users.tsx';

const SCREENS = [
  { id: 'search', title: 'Search' },
  { id: 'transfers', title: 'Transfers' },
  { id: 'browse', title: 'Browse' },
  { id: 'chat', title: 'Chat' },
  { id: 'users', title: 'Users' },
  { id: 'shares', title: 'Shares' },
  { id: 'system', title: 'System' },
] as const;
type ScreenId = (typeof SCREENS)[number]['id'];

const screenOf = (hash: string): ScreenId => SCREENS.find((screen) => `#${screen.id}` === hash)?.id ?? 'search';

export function Shell({ user, role, onLoggedOut }: { user: string | null; role: string; onLoggedOut: () => void }) {
  const live = useMemo(() => new LiveEvents(), []);
  const [stream, setStream] = useState<StreamState>(live.state);
  const [screen, setScreen] = useState<ScreenId>(screenOf(window.location.hash));
  const [browseRequest, setBrowseRequest] = useState<BrowseRequest | undefined>();
  const [visited, setVisited] = useState<ReadonlySet<ScreenId>>(new Set([screen]));
  if (!visited.has(screen)) setVisited(new Set([...visited, screen]));
  useEffect(() => {
    const off = live.onState((state) => {
      setStream(state);
      // The stream also breaks when the session ends (expired, logged out elsewhere): back to the login then.
      if (state === 'offline') void api.session().catch((error: unknown) => (isUnauthorized(error) ? onLoggedOut() : undefined));
    });
    // It may have opened between the render and this subscription.
    setStream(live.state);
    const onHash = (): void => setScreen(screenOf(window.location.hash));
    window.addEventListener('hashchange', onHash);
    return () => {
      off();
      window.removeEventListener('hashchange', onHash);
      live.close();
    };
  }, [live]);

  const logout = async (): Promise<void> => {
    await api.logout().catch(() => undefined);
    onLoggedOut();
  };
  const canWrite = role !== 'read';

  return (
    <div class="shell">
      <header class="bar">
        <span class="brand">slsk-ts</span>
        <nav aria-label="Screens">
          {SCREENS.map(({ id, title }) => (
            <a key={id} href={`#${id}`} aria-current={id === screen ? 'page' : undefined}>
              {title}
            </a>
          ))}
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
        {SCREENS.filter(({ id }) => visited.has(id)).map(({ id }) => (
          // A screen visited once stays mounted, hidden while another is shown: a search's results,
          // a scroll position and what is typed are still there when the user comes back.
          <div key={id} hidden={id !== screen}>
            {id === 'search' ? (
              <SearchScreen
                live={live}
                canWrite={canWrite}
                onBrowse={(username, folder) => {
                  setBrowseRequest({ username, folder });
                  window.location.hash = '#browse';
                }}
              />
            ) : id === 'transfers' ? (
              <TransfersScreen live={live} canWrite={canWrite} />
            ) : id === 'browse' ? (
              <BrowseScreen live={live} canWrite={canWrite} request={browseRequest} />
            ) : id === 'chat' ? (
              <ChatScreen live={live} canWrite={canWrite} />
            ) : id === 'users' ? (
              <UsersScreen live={live} canWrite={canWrite} />
            ) : id === 'shares' ? (
              <SharesScreen live={live} canWrite={canWrite} />
            ) : (
              <SystemScreen live={live} canWrite={canWrite} />
            )}
          </div>
        ))}
      </main>
    </div>
  );
}
