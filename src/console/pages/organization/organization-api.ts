import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { unwrap } from '../../api/errors';
import { client, keys } from '../../api/session';

export function useRenameOrganization() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => unwrap(client.PATCH('/api/v1/organization', { body: { name } })),
    onSuccess: (organization) => queryClient.setQueryData(keys.organization, organization),
  });
}

/**
 * Deleting the Organization ends every session in it, this one too: nothing cached is true
 * any more, so the console forgets it all and starts from the sign-in page (which sends a
 * session that still lives, outside any Organization, on to the start page).
 */
export function useDeleteOrganization() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return useMutation({
    mutationFn: (confirmName: string) => unwrap(client.DELETE('/api/v1/organization', { body: { confirmName } })),
    onSuccess: () => {
      queryClient.clear();
      void navigate('/sign-in', { replace: true });
    },
  });
}
