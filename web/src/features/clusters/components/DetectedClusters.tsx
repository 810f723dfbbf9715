import { Badge, Button, Card, Code, Group, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { errorMessage } from '../../../lib/http';
import { useCreateCluster, useDetectedClusters } from '../../../api/clusters';

/** Kubeconfig files and the in-cluster account found on the server's host (administrators), one click each. */
export function DetectedClusters() {
  const detected = useDetectedClusters(true);
  const create = useCreateCluster();
  if (!detected.data) return null;
  const { inCluster, files } = detected.data;
  const contexts = files.flatMap((file) => file.contexts.map((context) => ({ file, context })));
  if (inCluster === null && contexts.length === 0) return null;

  const registerDetected = async (name: string, source: { path?: string; context?: string }) => {
    try {
      await create.mutateAsync({ name, source: { type: 'detected', ...source } });
      notifications.show({ color: 'green', title: 'Cluster added', message: `${name} is registered.` });
    } catch (error) {
      notifications.show({ color: 'red', title: 'Could not add the cluster', message: errorMessage(error) });
    }
  };

  return (
    <Card withBorder padding="lg" mt="xl">
      <Text fw={650} mb={4}>
        Found on this server's host
      </Text>
      <Text size="sm" c="dimmed" mb="md">
        Kubeconfig files and the service account KubeChart runs with. Registering one keeps its credentials on the host.
      </Text>
      <Stack gap="xs">
        {inCluster && (
          <Group justify="space-between">
            <Text size="sm">
              In-cluster service account <Code>{inCluster.server}</Code>
            </Text>
            {inCluster.registeredAs ? (
              <Badge variant="light">registered as {inCluster.registeredAs}</Badge>
            ) : (
              <Button size="xs" variant="light" onClick={() => registerDetected('in-cluster', {})}>
                Register
              </Button>
            )}
          </Group>
        )}
        {contexts.map(({ file, context }) => (
          <Group key={`${file.path}/${context.name}`} justify="space-between" wrap="nowrap">
            <Text size="sm">
              <Code>{context.name}</Code> from <Code>{file.path}</Code>
              {context.server && (
                <Text span size="xs" c="dimmed">
                  {' '}
                  · {context.server}
                </Text>
              )}
            </Text>
            {context.registeredAs ? (
              <Badge variant="light">registered as {context.registeredAs}</Badge>
            ) : (
              <Button
                size="xs"
                variant="light"
                loading={create.isPending}
                onClick={() => registerDetected(context.name, { path: file.path, context: context.name })}
              >
                Register
              </Button>
            )}
          </Group>
        ))}
      </Stack>
    </Card>
  );
}
