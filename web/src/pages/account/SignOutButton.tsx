import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';

export function SignOutButton({ username }: { username: string }) {
  const queryClient = useQueryClient();
  const signOut = useMutation({
    mutationFn: () => api<void>('POST', '/auth/logout'),
    onSuccess: () => queryClient.resetQueries(),
  });
  return (
    <button type="button" className="link" onClick={() => signOut.mutate()}>
      Sign out {username}
    </button>
  );
}
