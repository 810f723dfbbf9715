import { Alert, Code, List, Paper, Stack, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import type { ClusterImportReport } from '../api/importReport';

/**
 * What a cluster import read but did not take (objects a controller or another app owns, or that
 * Kubernetes makes itself), and the kinds the credentials may not list, whose objects may be missing.
 */
export function LeftInCluster({ skipped, unlisted }: Pick<ClusterImportReport, 'skipped' | 'unlisted'>) {
  if (skipped.length === 0 && unlisted.length === 0) return null;
  return (
    <Stack gap="sm">
      {unlisted.length > 0 && (
        <Alert color="yellow" variant="light" icon={<IconAlertTriangle size={18} />} title="Some kinds could not be read">
          <List size="sm" spacing={2}>
            {unlisted.map((kind) => (
              <List.Item key={`${kind.apiVersion}/${kind.kind}`}>
                <Code>{kind.kind}</Code> {kind.reason}
              </List.Item>
            ))}
          </List>
        </Alert>
      )}
      {skipped.length > 0 && (
        <Paper withBorder p="md" data-skipped>
          <Text fw={600} size="sm" mb={6}>
            Left in the cluster as they are ({skipped.length})
          </Text>
          <List size="sm" spacing={2}>
            {skipped.map(({ object, reason }) => (
              <List.Item key={`${object.kind}/${object.name}`}>
                <Code>
                  {object.kind}/{object.name}
                </Code>{' '}
                <Text span c="dimmed" size="sm">
                  {reason}
                </Text>
              </List.Item>
            ))}
          </List>
        </Paper>
      )}
    </Stack>
  );
}
