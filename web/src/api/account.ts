import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';

/** GET /api/me */
export interface Profile {
  id: number;
  username: string;
  displayName: string | null;
  settings: Settings;
}

export interface Settings {
  /** an IANA zone name: the days, weeks and hours of the statistics */
  timeZone: string;
  /** a play counts from this many ms (0..600000); applies to plays recorded from now on */
  playThresholdMs: number;
}

/** An API token as listed: never the token itself, only its last characters. */
export interface ApiToken {
  id: number;
  name: string;
  /** the token's last characters after an ellipsis ("…x7Qa"), to tell tokens apart */
  hint: string;
  createdAt: string;
  lastUsedAt: string | null;
}

/** The answer of creating a token: the only time the token is shown. */
export interface CreatedToken {
  id: number;
  name: string;
  token: string;
}

const PROFILE_KEY = ['me'] as const;
const TOKENS_KEY = ['me', 'tokens'] as const;

export function useProfile() {
  return useQuery({ queryKey: PROFILE_KEY, queryFn: () => api<Profile>('GET', '/me') });
}

export function useUpdateSettings() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (changes: Partial<Settings>) => api<Profile>('PATCH', '/me/settings', changes),
    onSuccess: (profile) => client.setQueryData(PROFILE_KEY, profile),
  });
}

export function useApiTokens() {
  return useQuery({
    queryKey: TOKENS_KEY,
    queryFn: async () => (await api<{ items: ApiToken[] }>('GET', '/me/tokens')).items,
  });
}

export function useCreateApiToken() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => api<CreatedToken>('POST', '/me/tokens', { name }),
    onSuccess: () => client.invalidateQueries({ queryKey: TOKENS_KEY }),
  });
}

export function useRevokeApiToken() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => api<void>('DELETE', `/me/tokens/${id}`),
    onSuccess: () => client.invalidateQueries({ queryKey: TOKENS_KEY }),
  });
}
