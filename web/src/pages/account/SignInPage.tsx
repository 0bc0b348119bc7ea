import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import { SESSION_KEY, type SessionState } from '../../api/session';
import { ErrorMessage } from '../../components/ErrorMessage';

/** Multi-user mode's front door: a password, or Spotify for accounts that linked it. */
export function SignInPage() {
  const queryClient = useQueryClient();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const signIn = useMutation({
    mutationFn: () => api<SessionState>('POST', '/auth/login', { username, password }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: SESSION_KEY }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    signIn.mutate();
  };
  return (
    <main className="sign-in">
      <h1>Sign in to Spotlib</h1>
      <form onSubmit={submit}>
        <label>
          Username
          <input
            name="username"
            autoComplete="username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            required
          />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        <button type="submit" disabled={signIn.isPending}>
          Sign in
        </button>
        <ErrorMessage error={signIn.error} />
      </form>
      <p>
        <a href="/api/auth/spotify/signin">Sign in with Spotify</a> (for accounts that connected
        Spotify)
      </p>
    </main>
  );
}
