import { Button, Group, SimpleGrid, Stack, Text } from '@mantine/core';
import { IconShieldLock } from '@tabler/icons-react';
import { useFormContext } from 'react-hook-form';
import type { ContainerSpec } from '../../../../../api/appspec';
import { NumberField } from '../../../../../components/form/fields';
import { ChoiceListField } from '../../../../../components/form/ListFields';
import { TriStateField } from './shared';

type SecurityContext = NonNullable<ContainerSpec['securityContext']>;

const CAPABILITIES = [
  'ALL',
  'NET_BIND_SERVICE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'SETGID',
  'SETUID',
  'SETPCAP',
  'NET_RAW',
  'NET_ADMIN',
  'SYS_CHROOT',
  'SYS_ADMIN',
  'SYS_PTRACE',
  'MKNOD',
  'AUDIT_WRITE',
  'SETFCAP',
];

/**
 * The values the Pod Security "restricted" level asks of a container: not root, no privilege escalation,
 * not privileged, every capability dropped (NET_BIND_SERVICE may still be added). The rest is kept.
 */
export function restricted(current: SecurityContext | null | undefined): SecurityContext {
  const next: SecurityContext = { ...(current ?? {}) };
  next.runAsNonRoot = true;
  next.allowPrivilegeEscalation = false;
  next.privileged = false;
  next.capabilitiesDrop = ['ALL'];
  const added = (current?.capabilitiesAdd ?? []).filter((capability) => capability === 'NET_BIND_SERVICE');
  if (added.length > 0) next.capabilitiesAdd = added;
  else delete next.capabilitiesAdd;
  if (next.runAsUser === 0) delete next.runAsUser;
  return next;
}

/** The container's security context, with a button for the Pod Security "restricted" values. */
export function SecurityContextField({ base }: { base: string }) {
  const { getValues, setValue } = useFormContext();
  const at = `${base}.securityContext`;
  return (
    <Stack gap="sm">
      <Group justify="space-between" wrap="nowrap">
        <Text size="sm" c="dimmed">
          Left unset, Kubernetes and the image decide.
        </Text>
        <Button
          variant="light"
          size="xs"
          leftSection={<IconShieldLock size={14} />}
          onClick={() => setValue(at, restricted(getValues(at) as SecurityContext | undefined), { shouldDirty: true, shouldValidate: true })}
        >
          Restricted defaults
        </Button>
      </Group>
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
        <TriStateField name={`${at}.runAsNonRoot`} label="Run as non-root" />
        <NumberField name={`${at}.runAsUser`} label="User id" min={0} placeholder="image default" />
        <NumberField name={`${at}.runAsGroup`} label="Group id" min={0} placeholder="image default" />
        <TriStateField name={`${at}.readOnlyRootFilesystem`} label="Read-only root filesystem" />
        <TriStateField name={`${at}.allowPrivilegeEscalation`} label="Allow privilege escalation" />
        <TriStateField name={`${at}.privileged`} label="Privileged" />
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
        <ChoiceListField name={`${at}.capabilitiesDrop`} label="Capabilities dropped" data={CAPABILITIES} placeholder="ALL" />
        <ChoiceListField name={`${at}.capabilitiesAdd`} label="Capabilities added" data={CAPABILITIES.filter((c) => c !== 'ALL')} placeholder="NET_BIND_SERVICE" />
      </SimpleGrid>
    </Stack>
  );
}
