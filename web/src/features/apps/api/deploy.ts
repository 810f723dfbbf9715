import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { objectWith } from '../../../api/schemas';
import type { Operation, Plan } from '../../../api/types';
import { apiRequest } from '../../../lib/http';
import { deploymentQueryKey, deploymentsQueryKey } from './deployments';

/** The plan of the latest revision against the live cluster; asked again each time the page opens. */
export function usePlan(id: string) {
  return useQuery({
    queryKey: [...deploymentQueryKey(id), 'plan'],
    queryFn: ({ signal }) =>
      apiRequest(`/api/v1/deployments/${encodeURIComponent(id)}/diff`, {
        method: 'POST',
        body: {},
        schema: objectWith<Plan>('revision', 'hasChanges', 'objects'),
        signal,
      }),
    staleTime: 0,
    gcTime: 0,
  });
}

export function useDeploy(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { revision?: number; adopt?: boolean; recreate?: boolean }) =>
      apiRequest(`/api/v1/deployments/${encodeURIComponent(id)}/deploy`, {
        method: 'POST',
        body,
        schema: z.object({ operationId: z.string() }),
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: deploymentsQueryKey }),
  });
}

function isFinished(operation: Operation): boolean {
  return operation.state !== 'applying' && operation.state !== 'deleting';
}

/** One operation, re-read every second until it has finished. */
export function useOperation(id: string, operationId: string | null) {
  return useQuery({
    queryKey: [...deploymentQueryKey(id), 'operation', operationId],
    queryFn: ({ signal }) =>
      apiRequest(`/api/v1/deployments/${encodeURIComponent(id)}/operations/${encodeURIComponent(operationId!)}`, {
        schema: objectWith<Operation>('state', 'objects'),
        signal,
      }),
    enabled: operationId !== null,
    refetchInterval: (query) => (query.state.data && isFinished(query.state.data) ? false : 1000),
  });
}

export { isFinished as isOperationFinished };
