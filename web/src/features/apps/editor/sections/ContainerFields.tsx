import { Accordion, Badge, Group, SimpleGrid, Stack, Text } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { useWatch } from 'react-hook-form';
import type { ContainerSpec } from '../../../../api/appspec';
import { SelectField, StringListField, TextField } from '../../../../components/form/fields';
import { useFormIssues } from '../../../../lib/form/issues';
import { EnvField, EnvFromField } from './container/Env';
import { PortsField } from './container/Ports';
import { ProbesField } from './container/Probes';
import { ResourcesField } from './container/Resources';
import { SecurityContextField } from './container/SecurityContext';
import { VolumeMountsField } from './container/VolumeMounts';

const pullPolicies = ['IfNotPresent', 'Always', 'Never'];

type Section = 'env' | 'probes' | 'resources' | 'security' | 'mounts';

/** The container fields each collapsed group holds, to open the group the server has a message about. */
const GROUP_FIELDS: Record<Section, string[]> = {
  env: ['env', 'envFrom'],
  probes: ['readinessProbe', 'livenessProbe', 'startupProbe'],
  resources: ['resources'],
  security: ['securityContext'],
  mounts: ['volumeMounts'],
};

function count(n: number | undefined, one: string, many: string): string | null {
  return n ? `${n} ${n === 1 ? one : many}` : null;
}

/** What a collapsed group holds, said in its header. */
function summaries(container: ContainerSpec | undefined): Record<Section, string | null> {
  const probes = (['readinessProbe', 'livenessProbe', 'startupProbe'] as const)
    .filter((kind) => container?.[kind])
    .map((kind) => kind.replace('Probe', ''));
  const resources = container?.resources;
  const amounts = [resources?.requests, resources?.limits].reduce((n, spec) => n + Object.values(spec ?? {}).filter((v) => v !== undefined && v !== null).length, 0);
  const security = container?.securityContext;
  const env = [count(container?.env?.length, 'variable', 'variables'), count(container?.envFrom?.length, 'import', 'imports')].filter(Boolean);
  return {
    env: env.length > 0 ? env.join(', ') : null,
    probes: probes.length > 0 ? probes.join(', ') : null,
    resources: count(amounts, 'amount', 'amounts'),
    security: security && Object.values(security).some((v) => v !== undefined && v !== null) ? (security.runAsNonRoot ? 'non-root' : 'set') : null,
    mounts: count(container?.volumeMounts?.length, 'mount', 'mounts'),
  };
}

const GROUPS: { value: Section; title: string }[] = [
  { value: 'env', title: 'Environment' },
  { value: 'resources', title: 'Resources' },
  { value: 'probes', title: 'Health checks' },
  { value: 'mounts', title: 'Volume mounts' },
  { value: 'security', title: 'Security context' },
];

/**
 * One container: image, pull policy, command, ports; then, collapsed, its environment, resources,
 * probes, volume mounts and security context. A group the server has a message about opens by itself.
 */
export function ContainerFields({ base }: { base: string }) {
  const container = useWatch({ name: base }) as ContainerSpec | undefined;
  const [opened, setOpened] = useState<string[]>([]);
  const { errors, warnings } = useFormIssues();
  const about = (issues: { path: string }[], group: Section) =>
    issues.some((issue) => GROUP_FIELDS[group].some((name) => issue.path === `${base}.${name}` || issue.path.startsWith(`${base}.${name}.`)));
  const withErrors = GROUPS.map((group) => group.value).filter((group) => about(errors, group));
  const withIssues = GROUPS.map((group) => group.value).filter((group) => about(errors, group) || about(warnings, group));
  const value = [...new Set([...opened, ...withIssues])];
  const summary = summaries(container);

  const panels: Record<Section, ReactNode> = {
    env: (
      <Stack gap="sm">
        <EnvField base={base} />
        <EnvFromField base={base} />
      </Stack>
    ),
    resources: <ResourcesField base={base} />,
    probes: <ProbesField base={base} />,
    mounts: <VolumeMountsField base={base} />,
    security: <SecurityContextField base={base} />,
  };

  return (
    <Stack gap="sm">
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
        <TextField name={`${base}.name`} label="Container name" required monospace />
        <SelectField name={`${base}.imagePullPolicy`} label="Pull policy" data={pullPolicies} clearable placeholder="Kubernetes default" />
      </SimpleGrid>
      <TextField name={`${base}.image`} label="Image" required monospace placeholder="ghcr.io/acme/shop:1.4.2" />
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
        <StringListField name={`${base}.command`} label="Command" placeholder="Replaces the entrypoint" />
        <StringListField name={`${base}.args`} label="Arguments" />
        <TextField name={`${base}.workingDir`} label="Working directory" optional monospace placeholder="image default" />
      </SimpleGrid>
      <PortsField base={base} />
      <Accordion multiple variant="contained" chevronPosition="left" value={value} onChange={setOpened}>
        {GROUPS.map((group) => (
          <Accordion.Item key={group.value} value={group.value}>
            <Accordion.Control>
              <Group gap="xs" wrap="nowrap">
                <Text size="sm" fw={500}>
                  {group.title}
                </Text>
                {summary[group.value] && (
                  <Text size="xs" c="dimmed">
                    {summary[group.value]}
                  </Text>
                )}
                {withIssues.includes(group.value) && (
                  <Badge size="xs" color={withErrors.includes(group.value) ? 'red' : 'yellow'} variant="light">
                    {withErrors.includes(group.value) ? 'error' : 'warning'}
                  </Badge>
                )}
              </Group>
            </Accordion.Control>
            <Accordion.Panel>{panels[group.value]}</Accordion.Panel>
          </Accordion.Item>
        ))}
      </Accordion>
    </Stack>
  );
}
