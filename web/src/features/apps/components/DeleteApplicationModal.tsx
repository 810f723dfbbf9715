import { Button, Checkbox, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { z } from 'zod';
import type { Deployment } from '../../../api/types';
import { apiRequest, errorMessage } from '../../../lib/http';
import { deploymentsQueryKey } from '../api/deployments';

/**
 * Removes the record after the person types its name. An application that was applied can only be
 * forgotten here, with its objects left running, and the dialog says so.
 */
export function DeleteApplicationModal({
  deployment,
  opened,
  onClose,
}: {
  deployment: Deployment;
  opened: boolean;
  onClose: () => void;
}) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [typed, setTyped] = useState('');
  const [leaveRunning, setLeaveRunning] = useState(false);
  const applied = deployment.appliedRevision !== null;
  const remove = useMutation({
    mutationFn: () =>
      apiRequest(`/api/v1/deployments/${encodeURIComponent(deployment.id)}${applied ? '?keepResources=true' : ''}`, {
        method: 'DELETE',
        schema: z.undefined(),
      }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: deploymentsQueryKey });
      notifications.show({ color: 'green', title: 'Deleted', message: `${deployment.name} is gone from KubeChart.` });
      navigate('/');
    },
    onError: (error) => notifications.show({ color: 'red', title: 'Not deleted', message: errorMessage(error) }),
  });
  const ready = typed === deployment.name && (!applied || leaveRunning);
  return (
    <Modal opened={opened} onClose={onClose} title={`Delete ${deployment.name}`}>
      <Stack gap="md">
        {applied ? (
          <>
            <Text size="sm">
              This application is applied to its cluster. Deleting it here forgets the record and its history; its{' '}
              {deployment.resourceCount} objects keep running in the cluster.
            </Text>
            <Checkbox
              checked={leaveRunning}
              onChange={(event) => setLeaveRunning(event.currentTarget.checked)}
              label="I understand the objects stay in the cluster"
            />
          </>
        ) : (
          <Text size="sm">It was never deployed, so nothing is removed from a cluster. Its revisions are deleted.</Text>
        )}
        <TextInput
          label={`Type ${deployment.name} to confirm`}
          value={typed}
          onChange={(event) => setTyped(event.currentTarget.value)}
          autoComplete="off"
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button color="red" disabled={!ready} loading={remove.isPending} onClick={() => remove.mutate()}>
            Delete
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
