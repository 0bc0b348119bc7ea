import { useQuery } from '@tanstack/react-query';
import { api, setCsrfToken } from './client';

export interface SessionState {
  mode: 'local' | 'multi';
  user: { id: number; username: string } | null;
  csrfToken: string | null;
}

export const SESSION_KEY = ['session'] as const;

/** Who is signed in; keeps the CSRF token the API client sends with changes. */
export function useSession() {
  return useQuery({
    queryKey: SESSION_KEY,
    queryFn: async () => {
      const session = await api<SessionState>('GET', '/auth/session');
      setCsrfToken(session.csrfToken);
      return session;
    },
    staleTime: Infinity,
  });
}
