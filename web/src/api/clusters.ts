import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { objectWith } from './schemas';
import type { Cluster, ClusterStatus, CreateClusterRequest, DetectedView, NamespaceList } from './types';
import { apiRequest } from '../lib/http';

export const clustersQueryKey = ['clusters'] as const;

const clusterSchema = z.object({
  id: z.string(),
  name: z.string(),
  source: z.enum(['in_cluster', 'kubeconfig_path', 'kubeconfig', 'token']),
  serverUrl: z.string().nullable(),
  context: z.string().nullable(),
  kubeconfigPath: z.string().nullable(),
  defaultNamespace: z.string().nullable(),
  shared: z.boolean(),
  hasCredentials: z.boolean(),
  owner: z.object({ id: z.string(), username: z.string() }),
  createdAt: z.string(),
  updatedAt: z.string(),
}) satisfies z.ZodType<Cluster>;

export function useClusters() {
  return useQuery({
    queryKey: clustersQueryKey,
    queryFn: ({ signal }) => apiRequest('/api/v1/clusters', { schema: z.array(clusterSchema), signal }),
  });
}

/** The live state of one cluster; asks the cluster itself, so it is refreshed every half minute. */
export function useClusterStatus(id: string | null | undefined) {
  return useQuery({
    queryKey: [...clustersQueryKey, id, 'status'],
    queryFn: ({ signal }) =>
      apiRequest(`/api/v1/clusters/${encodeURIComponent(id!)}/status`, {
        schema: objectWith<ClusterStatus>('reachable', 'version', 'optionalApis', 'permissions', 'pickers'),
        signal,
      }),
    enabled: Boolean(id),
    staleTime: 15_000,
    refetchInterval: 30_000,
  });
}

/** The names of a cluster's namespaces, read from the cluster. */
export function useClusterNamespaces(id: string | null) {
  return useQuery({
    queryKey: [...clustersQueryKey, id, 'namespaces'],
    queryFn: ({ signal }) =>
      apiRequest(`/api/v1/clusters/${encodeURIComponent(id!)}/namespaces`, {
        schema: z.object({ namespaces: z.array(z.string()) }) satisfies z.ZodType<NamespaceList>,
        signal,
      }).then((list) => list.namespaces),
    enabled: Boolean(id),
    staleTime: 15_000,
  });
}

export function useDetectedClusters(enabled: boolean) {
  return useQuery({
    queryKey: [...clustersQueryKey, 'detected'],
    queryFn: ({ signal }) =>
      apiRequest('/api/v1/clusters/detected', { schema: objectWith<DetectedView>('inCluster', 'files'), signal }),
    enabled,
  });
}

export function useCreateCluster() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateClusterRequest) =>
      apiRequest('/api/v1/clusters', { method: 'POST', body, schema: clusterSchema }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: clustersQueryKey }),
  });
}

export function useDeleteCluster() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      apiRequest(`/api/v1/clusters/${encodeURIComponent(id)}`, { method: 'DELETE', schema: z.undefined() }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: clustersQueryKey }),
  });
}
