import { Alert, Button, Checkbox, Code, Group, List, Modal, ScrollArea, Skeleton, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconWorld } from '@tabler/icons-react';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import type { Deployment } from '../../../api/types';
import { errorMessage } from '../../../lib/http';
import { useDeletePreview, useDeleteDeployment } from '../api/live';
import { Loading } from '../../../components/ui/Loading';

/**
 * Deletes an application after the person has seen exactly what goes (read from the cluster,
 * cluster-scoped objects included) and typed its name. "Keep the objects" forgets the record only.
 * Either way the person lands on the Applications list, and a notification says how it went.
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
  const [typed, setTyped] = useState('');
  const [keepResources, setKeepResources] = useState(false);
  const applied = deployment.appliedRevision !== null;
  const preview = useDeletePreview(deployment.id, opened && applied);
  const remove = useDeleteDeployment(deployment.id);

  const confirm = async () => {
    // Off to the Applications list first, where the application shows as Deleting until its objects
    // are gone and then drops out. Staying here, the page would re-read a record that may already be
    // hidden when the answer comes (a quick delete) and flash "not found".
    onClose();
    navigate('/');
    try {
      const accepted = await remove.mutateAsync({ keepResources });
      notifications.show({
        color: 'green',
        title: accepted ? 'Deleting' : 'Deleted',
        message: accepted
          ? `The objects of ${deployment.name} are being removed from the cluster.`
          : `${deployment.name} is gone from KubeChart.`,
      });
    } catch (error) {
      notifications.show({ color: 'red', title: `${deployment.name} was not deleted`, message: errorMessage(error) });
    }
  };

  const objects = preview.data?.objects ?? [];
  return (
    <Modal opened={opened} onClose={onClose} title={`Delete ${deployment.name}`} size="lg">
      <Stack gap="md">
        {!applied && <Text size="sm">It was never deployed, so nothing is removed from a cluster.</Text>}
        {applied && preview.isPending && (
          <Loading label="Reading what will be removed">
            <Skeleton h={120} />
          </Loading>
        )}
        {applied && preview.isError && (
          <Alert color="red" variant="light">
            {errorMessage(preview.error)}
          </Alert>
        )}
        {applied && preview.data && !keepResources && (
          <>
            <Text size="sm">
              {objects.length === 0
                ? 'The cluster holds none of its objects any more.'
                : `These ${objects.length} objects will be removed from the cluster:`}
            </Text>
            <ScrollArea.Autosize mah={240} type="auto">
              <List size="sm" spacing={2} data-testid="delete-preview">
                {objects.map((object) => (
                  <List.Item key={`${object.kind}/${object.namespace ?? ''}/${object.name}`}>
                    <Code>
                      {object.kind} {object.namespace ? `${object.namespace}/` : ''}
                      {object.name}
                    </Code>
                    {object.clusterScoped && (
                      <Text span size="xs" c="dimmed" ml={6} data-cluster-scoped>
                        <IconWorld size={12} color="var(--mantine-color-orange-filled)" aria-hidden style={{ verticalAlign: -2, marginRight: 3 }} />
                        cluster-wide
                      </Text>
                    )}
                  </List.Item>
                ))}
              </List>
            </ScrollArea.Autosize>
          </>
        )}
        {applied && (
          <Checkbox
            checked={keepResources}
            onChange={(event) => setKeepResources(event.currentTarget.checked)}
            label="Keep the objects running in the cluster; only forget the application here"
          />
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
          <Button
            // The darkest red keeps white text at the contrast small text needs (the default shade does not).
            color="red.9"
            disabled={typed !== deployment.name || (applied && !keepResources && !preview.data)}
            onClick={confirm}
          >
            Delete
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
