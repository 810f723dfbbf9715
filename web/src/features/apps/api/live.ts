import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { objectWith } from '../../../api/schemas';
import type { DeletePreview, DeploymentResources, LiveEvent } from '../../../api/types';
import { apiRequest } from '../../../lib/http';
import { getToken } from '../../../lib/token';
import { deploymentQueryKey, deploymentsQueryKey } from './deployments';

const path = (id: string) => `/api/v1/deployments/${encodeURIComponent(id)}`;

/** Every object with its live health, workloads with their pods; re-read while anything is in progress. */
export function useResources(id: string) {
  return useQuery({
    queryKey: [...deploymentQueryKey(id), 'resources'],
    queryFn: ({ signal }) =>
      apiRequest(`${path(id)}/resources`, { schema: objectWith<DeploymentResources>('objects', 'status'), signal }),
    refetchInterval: (query) =>
      query.state.data?.objects.some((o) => o.health.state === 'InProgress' || o.health.state === 'Terminating') ? 3000 : 15_000,
  });
}

export function useEvents(id: string) {
  return useQuery({
    queryKey: [...deploymentQueryKey(id), 'events'],
    queryFn: ({ signal }) =>
      apiRequest(`${path(id)}/events?limit=200`, { schema: z.array(objectWith<LiveEvent>('type', 'reason', 'message')), signal }),
    refetchInterval: 15_000,
  });
}

export function useDeletePreview(id: string, enabled: boolean) {
  return useQuery({
    queryKey: [...deploymentQueryKey(id), 'deletePreview'],
    queryFn: ({ signal }) => apiRequest(`${path(id)}/delete-preview`, { schema: objectWith<DeletePreview>('objects'), signal }),
    enabled,
    staleTime: 0,
  });
}

/** DELETE: 202 with the operation that removes the objects, or 204 when there was nothing to remove. */
export function useDeleteDeployment(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ keepResources }: { keepResources: boolean }) =>
      apiRequest(`${path(id)}${keepResources ? '?keepResources=true' : ''}`, {
        method: 'DELETE',
        schema: z.object({ operationId: z.string() }).optional(),
      }),
    // Only the list is read again: the application's own page may still be on screen for a moment
    // (while the next page loads), and reading a record the delete has just hidden answers 404.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: [...deploymentsQueryKey, 'list'] }),
  });
}

export function useRollback(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (revision: number) =>
      apiRequest(`${path(id)}/rollback`, { method: 'POST', body: { revision }, schema: z.object({ operationId: z.string() }) }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: deploymentQueryKey(id) }),
  });
}

/**
 * Downloads an export (the manifests as YAML, or a Helm chart). The route needs the bearer token, so
 * the file is fetched here and handed to the browser as a download.
 */
export async function downloadExport(id: string, format: 'yaml' | 'helm', revision: number): Promise<void> {
  const token = getToken();
  const response = await fetch(`${path(id)}/export?format=${format}&revision=${revision}`, {
    headers: token ? { Authorization: `Bearer ${token}` } : {},
  });
  if (!response.ok) throw new Error('The export could not be made. Try again.');
  const disposition = response.headers.get('Content-Disposition') ?? '';
  const name = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? `export.${format === 'helm' ? 'tgz' : 'yaml'}`;
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  URL.revokeObjectURL(url);
}
