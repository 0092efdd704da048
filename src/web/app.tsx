// The page: who is logged in decides between the login form and the screens. The session lives in
// the daemon's HttpOnly cookie, so a reload asks the daemon who we are instead of keeping anything.

import { useEffect, useState } from 'preact/hooks';
import { api, isUnauthorized, messageOf } from './api.ts';
import { Login } from './login.tsx';
import { Shell } from './shell.tsx';

type Session = { state: 'checking' } | { state: 'anonymous' } | { state: 'in'; name: string | null; role: string } | { state: 'unreachable'; message: string };

export function App() {
  const [session, setSession] = useState<Session>({ state: 'checking' });

  const check = async (): Promise<void> => {
    try {
      const info = await api.session();
      setSession({ state: 'in', name: info.name, role: info.role });
    } catch (error) {
      setSession(isUnauthorized(error) ? { state: 'anonymous' } : { state: 'unreachable', message: messageOf(error) });
    }
  };
  useEffect(() => {
    void check();
  }, []);

  switch (session.state) {
    case 'checking':
      return <p class="center" role="status">Connecting to the daemon…</p>;
    case 'unreachable':
      return (
        <main class="center">
          <p role="alert">{session.message}</p>
          <button type="button" onClick={() => void check()}>Try again</button>
        </main>
      );
    case 'anonymous':
      return <Login onLoggedIn={() => void check()} />;
    case 'in':
      return <Shell user={session.name} role={session.role} onLoggedOut={() => setSession({ state: 'anonymous' })} />;
  }
}
