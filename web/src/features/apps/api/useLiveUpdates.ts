import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { Deployment, DeploymentPage, DeploymentStatus, LiveServerMessage } from '../../../api/types';
import { liveConnection, type LiveTopic } from '../../../lib/live/socket';
import { deploymentQueryKey, deploymentsQueryKey } from './deployments';

type Change = { id: string; status: DeploymentStatus; reason: string | null | undefined };

function applyToCache(queryClient: QueryClient, { id, status, reason }: Change) {
  queryClient.setQueriesData<DeploymentPage>({ queryKey: [...deploymentsQueryKey, 'list'] }, (page) =>
    page
      ? {
          ...page,
          items: page.items.map((item) => (item.id === id ? { ...item, status, statusReason: reason ?? null } : item)),
        }
      : page,
  );
  queryClient.setQueryData<Deployment>(deploymentQueryKey(id), (deployment) =>
    deployment ? { ...deployment, status, statusReason: reason ?? null } : deployment,
  );
}

/**
 * Keeps the cached list and records current from the server's WebSocket: statuses are written into
 * the cache as they arrive; a deployment's objects, events and record are re-read when it says they
 * changed (not while it is being deleted).
 */
export function useLiveUpdates(topic: LiveTopic | null) {
  const queryClient = useQueryClient();
  const key = topic === null ? null : 'list' in topic ? 'list' : topic.deploymentId;
  useEffect(() => {
    if (key === null) return undefined;
    const target: LiveTopic = key === 'list' ? { list: true } : { deploymentId: key };
    return liveConnection.listen(target, (message: LiveServerMessage) => {
      if (message.type === 'statusList') {
        for (const item of message.items) applyToCache(queryClient, { id: item.deploymentId, status: item.status, reason: item.reason });
      } else if (message.type === 'status') {
        applyToCache(queryClient, { id: message.deploymentId, status: message.status, reason: message.reason });
        // While it is deleted the record and its objects are going away: the status above is all there
        // is to show, and reading them again would ask for a record the delete hides at its end.
        if (key !== 'list' && message.status !== 'deleting') {
          void queryClient.invalidateQueries({ queryKey: [...deploymentQueryKey(message.deploymentId), 'resources'] });
          void queryClient.invalidateQueries({ queryKey: deploymentQueryKey(message.deploymentId), exact: true });
        }
      } else if (message.type === 'event' && key !== 'list') {
        void queryClient.invalidateQueries({ queryKey: [...deploymentQueryKey(message.deploymentId), 'events'] });
      } else if (message.type === 'progress' && key !== 'list') {
        void queryClient.invalidateQueries({ queryKey: [...deploymentQueryKey(message.deploymentId), 'operation', message.operationId] });
      }
    });
  }, [key, queryClient]);
}
