import { useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import type { ClusterImportRequest, ClusterImportView } from '../../../api/types';
import { apiRequest } from '../../../lib/http';
import { deploymentQueryKey, deploymentSchema, deploymentsQueryKey } from './deployments';
import { clusterImportReportSchema } from './importReport';

/** The form: where to read from, and what to keep. */
export const clusterImportFormSchema = z.object({
  clusterId: z.string().min(1, 'Pick a cluster.'),
  namespace: z.string().min(1, 'Pick a namespace.'),
  selector: z.string().trim(),
  name: z.string().trim(),
});

export type ClusterImportForm = z.infer<typeof clusterImportFormSchema>;

export function clusterImportRequest(values: ClusterImportForm): ClusterImportRequest & { clusterId: string } {
  return {
    clusterId: values.clusterId,
    namespace: values.namespace,
    selector: values.selector === '' ? null : values.selector,
    name: values.name === '' ? null : values.name,
  };
}

const clusterImportSchema = z.object({
  deployment: deploymentSchema,
  report: clusterImportReportSchema,
}) satisfies z.ZodType<ClusterImportView>;

export type ClusterImport = z.infer<typeof clusterImportSchema>;

/**
 * POST /api/v1/clusters/{id}/import: a namespace's running objects become a draft application whose
 * first deploy adopts them (201 with the draft and the report).
 */
export function useImportFromCluster() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ clusterId, ...body }: ClusterImportRequest & { clusterId: string }) =>
      apiRequest(`/api/v1/clusters/${encodeURIComponent(clusterId)}/import`, {
        method: 'POST',
        body,
        schema: clusterImportSchema,
      }),
    onSuccess: ({ deployment }) => {
      queryClient.setQueryData(deploymentQueryKey(deployment.id), deployment);
      return queryClient.invalidateQueries({ queryKey: [...deploymentsQueryKey, 'list'] });
    },
  });
}
