import { useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useCallback, useSyncExternalStore } from 'react';
import { useNavigate } from 'react-router';
import { api, ApiError, DEMO_STORAGE_KEY } from './client';
import { SESSION_KEY } from './session';

/** The answer of POST /api/demo. */
export interface EnteredDemo {
  token: string;
  username: string;
  tracks: number;
  plays: number;
}

/** The demo profile the app is showing, as kept in sessionStorage. */
export interface ActiveDemo {
  token: string;
  username: string;
}

const listeners = new Set<() => void>();

function read(): string | null {
  return sessionStorage.getItem(DEMO_STORAGE_KEY);
}

function write(demo: ActiveDemo | null): void {
  if (demo) sessionStorage.setItem(DEMO_STORAGE_KEY, JSON.stringify(demo));
  else sessionStorage.removeItem(DEMO_STORAGE_KEY);
  listeners.forEach((listener) => listener());
}

/** Forgets the demo this tab was showing (signing out: the next user must not inherit it). */
export function forgetDemo(): void {
  write(null);
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The demo profile being shown, or null when the app shows the user's own library. */
export function useActiveDemo(): ActiveDemo | null {
  // The stored string is the snapshot: stable between changes, as the hook requires.
  const stored = useSyncExternalStore(subscribe, read);
  if (!stored) return null;
  try {
    return JSON.parse(stored) as ActiveDemo;
  } catch {
    return null;
  }
}

/**
 * Switches whose data the app shows: every cached answer belonged to the
 * other user, so all but the session start over.
 */
function switchTo(queryClient: QueryClient, demo: ActiveDemo | null): Promise<void> {
  write(demo);
  return queryClient.resetQueries({ predicate: (query) => query.queryKey[0] !== SESSION_KEY[0] });
}

/** "Try demo data": makes (or takes) the demo profile, then shows it. */
export function useEnterDemo() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return useMutation({
    mutationFn: () => api<EnteredDemo>('POST', '/demo', undefined, { asOwner: true }),
    onSuccess: async ({ token, username }) => {
      await navigate('/');
      await switchTo(queryClient, { token, username });
    },
  });
}

/** Back to the user's own library; the demo profile stays for next time. */
export function useLeaveDemo(): () => Promise<void> {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return useCallback(async () => {
    await navigate('/');
    await switchTo(queryClient, null);
  }, [queryClient, navigate]);
}

/** Removes the demo profile (as the signed-in user), then back to the user's own library. */
export function useRemoveDemo() {
  const leave = useLeaveDemo();
  return useMutation({
    mutationFn: async () => {
      try {
        await api<void>('DELETE', '/demo', undefined, { asOwner: true });
      } catch (error) {
        // already removed (in another tab): what was asked for is done
        if (!(error instanceof ApiError && error.status === 404)) throw error;
      }
    },
    onSuccess: leave,
  });
}
