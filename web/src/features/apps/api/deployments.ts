import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import type { AppSpec } from '../../../api/appspec';
import { objectWith } from '../../../api/schemas';
import type { Deployment, DeploymentPage, DeploymentStatus, RevisionDiff, RevisionSummary } from '../../../api/types';
import { apiRequest } from '../../../lib/http';

export const deploymentsQueryKey = ['deployments'] as const;

const statuses = ['draft', 'applying', 'progressing', 'ready', 'degraded', 'failed', 'deleting'] as const;
export const deploymentStatuses: readonly DeploymentStatus[] = statuses;

const userRef = z.object({ id: z.string(), username: z.string() });

const summarySchema = z.object({
  id: z.string(),
  ownerId: z.string(),
  name: z.string(),
  namespace: z.string(),
  clusterId: z.string().nullable(),
  status: z.enum(statuses),
  statusReason: z.string().nullable(),
  revision: z.number(),
  appliedRevision: z.number().nullable(),
  resourceCount: z.number(),
  updatedAt: z.string(),
});

const pageSchema = z.object({
  items: z.array(summarySchema),
  nextCursor: z.string().nullable(),
}) satisfies z.ZodType<DeploymentPage>;

export const deploymentSchema = z.object({
  id: z.string(),
  owner: userRef,
  name: z.string(),
  namespace: z.string(),
  clusterId: z.string().nullable(),
  spec: z.record(z.string(), z.unknown()),
  yaml: z.string(),
  status: z.enum(statuses),
  statusReason: z.string().nullable(),
  revision: z.number(),
  appliedRevision: z.number().nullable(),
  adoptsOnDeploy: z.boolean(),
  resourceCount: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
  appliedAt: z.string().nullable(),
}) satisfies z.ZodType<Deployment>;

export interface DeploymentFilters {
  q?: string;
  status?: DeploymentStatus;
  cluster?: string;
}

/** Statuses that change without anyone acting: while one is on screen, the list and record are re-read. */
export function isSettling(status: DeploymentStatus): boolean {
  return status === 'applying' || status === 'progressing' || status === 'deleting';
}

export function useDeployments(filters: DeploymentFilters) {
  return useQuery({
    queryKey: [...deploymentsQueryKey, 'list', filters],
    queryFn: ({ signal }) => {
      const params = new URLSearchParams({ limit: '200' });
      for (const [key, value] of Object.entries(filters)) if (value) params.set(key, value);
      return apiRequest(`/api/v1/deployments?${params}`, { schema: pageSchema, signal });
    },
    placeholderData: keepPreviousData,
    refetchInterval: (query) => (query.state.data?.items.some((item) => isSettling(item.status)) ? 2000 : 15_000),
  });
}

export function deploymentQueryKey(id: string) {
  return [...deploymentsQueryKey, 'one', id] as const;
}

export function useDeployment(id: string, enabled = true) {
  return useQuery({
    enabled: enabled && id !== '',
    queryKey: deploymentQueryKey(id),
    queryFn: ({ signal }) =>
      apiRequest(`/api/v1/deployments/${encodeURIComponent(id)}`, { schema: deploymentSchema, signal }),
    refetchInterval: (query) => (query.state.data && isSettling(query.state.data.status) ? 1500 : false),
  });
}

export function useCreateDeployment() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { spec: AppSpec; clusterId: string | null }) =>
      apiRequest('/api/v1/deployments', { method: 'POST', body, schema: deploymentSchema }),
    onSuccess: (deployment) => {
      queryClient.setQueryData(deploymentQueryKey(deployment.id), deployment);
      return queryClient.invalidateQueries({ queryKey: [...deploymentsQueryKey, 'list'] });
    },
  });
}

export function useUpdateDeployment(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { spec: AppSpec; revision: number; clusterId?: string | null }) =>
      apiRequest(`/api/v1/deployments/${encodeURIComponent(id)}`, { method: 'PUT', body, schema: deploymentSchema }),
    onSuccess: (deployment) => {
      queryClient.setQueryData(deploymentQueryKey(deployment.id), deployment);
      return queryClient.invalidateQueries({ queryKey: deploymentsQueryKey });
    },
  });
}

export function useRevisions(id: string) {
  return useQuery({
    queryKey: [...deploymentQueryKey(id), 'revisions'],
    queryFn: ({ signal }) =>
      apiRequest(`/api/v1/deployments/${encodeURIComponent(id)}/revisions`, {
        schema: z.array(objectWith<RevisionSummary>('number', 'createdAt')),
        signal,
      }),
  });
}

export function useRevisionDiff(id: string, from: number | null, to: number | null) {
  return useQuery({
    queryKey: [...deploymentQueryKey(id), 'revisionDiff', from, to],
    queryFn: ({ signal }) =>
      apiRequest(`/api/v1/deployments/${encodeURIComponent(id)}/revisions/${from}/diff/${to}`, {
        schema: objectWith<RevisionDiff>('fields', 'yaml'),
        signal,
      }),
    enabled: from !== null && to !== null && from !== to,
  });
}
