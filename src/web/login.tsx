// The login form: the web username and password (scrypt-checked by the daemon), answered with the
// session cookie.

import { useState } from 'preact/hooks';
import { DaemonApiError } from '../daemon/client.ts';
import { api, messageOf } from './api.ts';

export function Login({ onLoggedIn }: { onLoggedIn: () => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await api.login({ body: { username, password } });
      onLoggedIn();
    } catch (caught) {
      setError(caught instanceof DaemonApiError && caught.status === 401 ? 'Wrong username or password.' : messageOf(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="center">
      <form class="card login" onSubmit={(event) => void submit(event)} aria-labelledby="login-title">
        <h1 id="login-title">slsk-ts</h1>
        <p class="muted">Log in to your daemon. The first start printed the password (`slsk daemon` or `npm start`).</p>
        <label>
          Username
          <input name="username" autocomplete="username" required value={username} onInput={(e) => setUsername(e.currentTarget.value)} />
        </label>
        <label>
          Password
          <input name="password" type="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        </label>
        {error === undefined ? null : <p role="alert" class="error">{error}</p>}
        <button type="submit" disabled={busy}>
          Log in
        </button>
      </form>
    </main>
  );
}
