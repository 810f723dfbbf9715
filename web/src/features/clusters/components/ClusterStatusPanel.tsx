import { Alert, Badge, Code, Group, List, Skeleton, Stack, Text, Tooltip } from '@mantine/core';
import { IconCircleCheck, IconCircleDashed, IconPlugConnectedX } from '@tabler/icons-react';
import { Loading } from '../../../components/ui/Loading';
import { errorMessage } from '../../../lib/http';
import { useClusterStatus } from '../../../api/clusters';

/** Reachability, version, optional APIs (with how to install a missing one) and what the credentials may do. */
export function ClusterStatusPanel({ clusterId }: { clusterId: string }) {
  const status = useClusterStatus(clusterId);
  if (status.isPending) {
    return (
      <Loading label="Loading cluster status" gap={6}>
        <Skeleton h={14} w="40%" />
        <Skeleton h={14} w="70%" />
        <Skeleton h={14} w="55%" />
      </Loading>
    );
  }
  if (status.isError) {
    return (
      <Alert color="red" variant="light" icon={<IconPlugConnectedX size={18} />} title="Unreachable">
        {errorMessage(status.error)}
      </Alert>
    );
  }
  const { version, latencyMs, identity, optionalApis, permissions } = status.data;
  return (
    <Stack gap="sm">
      <Group gap="xs">
        <Badge color="green" variant="light" leftSection={<IconCircleCheck size={12} />}>
          Reachable
        </Badge>
        <Badge variant="default">Kubernetes {version}</Badge>
        <Text size="xs" c="dimmed">
          {latencyMs} ms
        </Text>
        {identity && (
          <Text size="xs" c="dimmed">
            as <Code>{identity.username}</Code>
          </Text>
        )}
      </Group>
      <div>
        <Text size="xs" fw={600} c="dimmed" tt="uppercase" mb={4}>
          Optional APIs
        </Text>
        <Stack gap={4}>
          {optionalApis.map((api) => (
            <Group key={api.name} gap="xs" wrap="nowrap" align="flex-start">
              {api.installed ? (
                <IconCircleCheck size={16} color="var(--mantine-color-green-6)" aria-hidden="true" />
              ) : (
                <IconCircleDashed size={16} color="var(--mantine-color-gray-6)" aria-hidden="true" />
              )}
              <Text size="sm">
                {api.name}{' '}
                <Text span size="xs" c="dimmed">
                  {api.installed ? 'installed' : 'not installed'}
                </Text>
                {!api.installed && api.installHint && (
                  <Text size="xs" c="dimmed">
                    {api.installHint}
                  </Text>
                )}
              </Text>
            </Group>
          ))}
        </Stack>
      </div>
      <div>
        <Text size="xs" fw={600} c="dimmed" tt="uppercase" mb={4}>
          Permissions in {permissions.namespace}
        </Text>
        {permissions.missing.length === 0 ? (
          <Text size="sm">The credentials may manage every kind KubeChart generates.</Text>
        ) : (
          <>
            <Text size="sm">
              {permissions.missing.length} permission{permissions.missing.length === 1 ? ' is' : 's are'} missing:
            </Text>
            <List size="xs" spacing={2} mt={4}>
              {permissions.missing.slice(0, 6).map((line) => (
                <List.Item key={line}>
                  <Code>{line}</Code>
                </List.Item>
              ))}
            </List>
            {permissions.missing.length > 6 && (
              <Tooltip label={permissions.missing.slice(6).join('\n')} multiline w={360}>
                <Text size="xs" c="dimmed" mt={4} tabIndex={0}>
                  and {permissions.missing.length - 6} more
                </Text>
              </Tooltip>
            )}
          </>
        )}
        {permissions.incomplete && (
          <Text size="xs" c="dimmed" mt={4}>
            The cluster did not answer every check; denied actions may still be allowed.
          </Text>
        )}
      </div>
    </Stack>
  );
}
