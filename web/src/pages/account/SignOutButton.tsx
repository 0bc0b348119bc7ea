import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, setCsrfToken } from '../../api/client';
import { forgetDemo } from '../../api/demo';

export function SignOutButton({ username }: { username: string }) {
  const queryClient = useQueryClient();
  const signOut = useMutation({
    mutationFn: () => api<void>('POST', '/auth/logout'),
    onSuccess: () => {
      // nothing of this user may outlive the session in this tab
      forgetDemo();
      setCsrfToken(null);
      return queryClient.resetQueries();
    },
  });
  return (
    <button type="button" className="link" onClick={() => signOut.mutate()}>
      Sign out {username}
    </button>
  );
}
