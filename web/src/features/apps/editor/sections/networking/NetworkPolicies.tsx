import { ActionIcon, Button, Fieldset, Group, Paper, SimpleGrid, Stack, Switch, Text } from '@mantine/core';
import { IconPlus, IconShieldLock, IconTrash } from '@tabler/icons-react';
import { useFieldArray, useFormContext, useWatch } from 'react-hook-form';
import type { AppSpec } from '../../../../../api/appspec';
import { SelectField, StringListField, SwitchField, TextField } from '../../../../../components/form/fields';
import { describe } from '../../../../../components/form/FieldWarning';
import { KeyValueField } from '../../../../../components/form/KeyValueField';
import { useBoundField } from '../../../../../components/form/useBoundField';
import { ItemCard } from '../ItemCard';
import { EntryIssue, options, PortRefField } from './fields';
import { useContainerPortNames, useWorkloadNames } from './refs';
import type { NetworkPeerSpec, Protocol } from './types';

type Direction = 'ingress' | 'egress';

const protocols = options<Protocol>({ TCP: 'TCP', UDP: 'UDP', SCTP: 'SCTP' });

const wording: Record<Direction, { rule: string; allowed: string; peers: string; denied: string }> = {
  ingress: { rule: 'Incoming rule', allowed: 'Allowed incoming traffic', peers: 'Source', denied: 'No rules: all incoming traffic is denied.' },
  egress: { rule: 'Outgoing rule', allowed: 'Allowed outgoing traffic', peers: 'Destination', denied: 'No rules: all outgoing traffic is denied.' },
};

/** The policy a namespace starts from: no pod takes incoming traffic that another policy does not allow. */
const DEFAULT_DENY_NAME = 'default-deny-ingress';

function uniqueName(wanted: string, taken: (string | undefined)[]): string {
  if (!taken.includes(wanted)) return wanted;
  let n = 2;
  while (taken.includes(`${wanted}-${n}`)) n += 1;
  return `${wanted}-${n}`;
}

/** A switch for a boolean that is on when absent (`restrictIngress`). */
function DefaultOnSwitch({ name, label, description }: { name: string; label: string; description?: string }) {
  const { field, error, warning } = useBoundField(name);
  return (
    <Switch
      label={label}
      description={describe(description, warning)}
      name={field.name}
      ref={field.ref}
      checked={field.value !== false}
      onChange={(event) => field.onChange(event.currentTarget.checked)}
      onBlur={field.onBlur}
      error={error}
    />
  );
}

function RemoveButton({ label, onClick, mt = 26 }: { label: string; onClick: () => void; mt?: number }) {
  return (
    <ActionIcon variant="subtle" color="gray" mt={mt} size={36} aria-label={label} onClick={onClick}>
      <IconTrash size={16} />
    </ActionIcon>
  );
}

function Peer({ at, label, onRemove }: { at: string; label: string; onRemove: () => void }) {
  const cidr = useWatch({ name: `${at}.cidr` }) as string | null | undefined;
  const workloads = useWorkloadNames();
  // A peer with a CIDR is an IP block; any other selects pods and namespaces.
  const block = typeof cidr === 'string';
  return (
    <Paper withBorder p="xs">
      <Stack gap="xs">
        <Group justify="space-between" wrap="nowrap">
          <Text size="sm" fw={500}>
            {`${label}: ${block ? 'IP block' : 'pods and namespaces'}`}
          </Text>
          <RemoveButton label={`Remove ${label.toLowerCase()}`} onClick={onRemove} mt={0} />
        </Group>
        <EntryIssue path={at} />
        {block ? (
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <TextField name={`${at}.cidr`} label={`${label} CIDR`} required monospace placeholder="10.0.0.0/8" />
            <Stack gap={2}>
              <StringListField name={`${at}.except`} label={`${label} except`} placeholder="10.1.0.0/16, then Enter" />
              <EntryIssue path={`${at}.except`} items />
            </Stack>
          </SimpleGrid>
        ) : (
          <>
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
              <SelectField name={`${at}.workload`} label={`${label} workload`} data={workloads} clearable placeholder="pods by labels, or every pod" />
              <SwitchField
                name={`${at}.allNamespaces`}
                label={`${label} in every namespace`}
                description="Without it, only this app's namespace (or the namespaces matching the labels)."
              />
            </SimpleGrid>
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
              <KeyValueField name={`${at}.podLabels`} label={`${label} pod labels`} keyLabel="Label" />
              <KeyValueField
                name={`${at}.namespaceLabels`}
                label={`${label} namespace labels`}
                keyLabel="Label"
                description="e.g. kubernetes.io/metadata.name: ingress-nginx"
              />
            </SimpleGrid>
          </>
        )}
      </Stack>
    </Paper>
  );
}

function Peers({ base, direction }: { base: string; direction: Direction }) {
  const { control } = useFormContext<AppSpec>();
  const peers = useFieldArray({ control, name: `${base}.peers` as 'networkPolicies.0.ingress.0.peers' });
  const workloads = useWorkloadNames();
  const add = (peer: NetworkPeerSpec) => peers.append(peer);
  return (
    <Stack gap={6}>
      {peers.fields.length === 0 && (
        <Text size="sm" c="dimmed">
          {direction === 'ingress' ? 'From anywhere.' : 'To anywhere.'}
        </Text>
      )}
      {peers.fields.map((peer, index) => (
        <Peer key={peer.id} at={`${base}.peers.${index}`} label={`${wording[direction].peers} ${index + 1}`} onRemove={() => peers.remove(index)} />
      ))}
      <Group gap="xs">
        <Button variant="subtle" size="xs" leftSection={<IconPlus size={14} />} onClick={() => add(workloads.length > 0 ? { workload: workloads[0] } : { podLabels: {} })}>
          Add pods
        </Button>
        <Button
          variant="subtle"
          size="xs"
          leftSection={<IconPlus size={14} />}
          onClick={() => add({ namespaceLabels: { 'kubernetes.io/metadata.name': '' } })}
        >
          Add namespace
        </Button>
        <Button variant="subtle" size="xs" leftSection={<IconPlus size={14} />} onClick={() => add({ cidr: '' })}>
          Add IP block
        </Button>
      </Group>
    </Stack>
  );
}

function Ports({ base }: { base: string }) {
  const { control } = useFormContext<AppSpec>();
  const ports = useFieldArray({ control, name: `${base}.ports` as 'networkPolicies.0.ingress.0.ports' });
  const named = useContainerPortNames();
  return (
    <Stack gap={6}>
      {ports.fields.length === 0 && (
        <Text size="sm" c="dimmed">
          On every port.
        </Text>
      )}
      {ports.fields.map((port, index) => {
        const at = `${base}.ports.${index}`;
        return (
          <Group key={port.id} gap={6} align="flex-start" wrap="nowrap">
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm" style={{ flex: 1 }}>
              <PortRefField name={`${at}.port`} label={`Port ${index + 1}`} />
              <SelectField name={`${at}.protocol`} label={`Protocol ${index + 1}`} data={protocols} clearable placeholder="TCP" />
            </SimpleGrid>
            <RemoveButton label={`Remove port ${index + 1}`} onClick={() => ports.remove(index)} />
          </Group>
        );
      })}
      <Group>
        <Button variant="subtle" size="xs" leftSection={<IconPlus size={14} />} onClick={() => ports.append({ port: named[0] ?? 80 })}>
          Add port
        </Button>
      </Group>
    </Stack>
  );
}

function Rules({ base, direction }: { base: string; direction: Direction }) {
  const { control } = useFormContext<AppSpec>();
  const rules = useFieldArray({ control, name: `${base}.${direction}` as 'networkPolicies.0.ingress' });
  const words = wording[direction];
  return (
    <Stack gap="sm">
      <Text size="sm" fw={500}>
        {words.allowed}
      </Text>
      <EntryIssue path={`${base}.${direction}`} />
      {rules.fields.length === 0 && (
        <Text size="sm" c="dimmed">
          {words.denied}
        </Text>
      )}
      {rules.fields.map((rule, index) => {
        const at = `${base}.${direction}.${index}`;
        return (
          <Fieldset key={rule.id} legend={`${words.rule} ${index + 1}`} variant="filled" p="sm">
            <Stack gap="sm">
              <Group justify="flex-end" mt={-8}>
                <RemoveButton label={`Remove ${words.rule.toLowerCase()} ${index + 1}`} onClick={() => rules.remove(index)} mt={0} />
              </Group>
              <Peers base={at} direction={direction} />
              <Ports base={at} />
            </Stack>
          </Fieldset>
        );
      })}
      <Group>
        <Button variant="subtle" size="xs" leftSection={<IconPlus size={14} />} onClick={() => rules.append({})}>
          {`Add ${words.rule.toLowerCase()}`}
        </Button>
      </Group>
    </Stack>
  );
}

function NetworkPolicy({ base }: { base: string }) {
  const workloads = useWorkloadNames();
  const [restrictIngress, restrictEgress, ingress, egress] = useWatch({
    name: [`${base}.restrictIngress`, `${base}.restrictEgress`, `${base}.ingress`, `${base}.egress`],
  }) as [boolean | undefined, boolean | undefined, unknown[] | undefined, unknown[] | undefined];
  return (
    <>
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
        <TextField name={`${base}.name`} label="Policy name" required monospace />
        <SelectField name={`${base}.workload`} label="Protects workload" data={workloads} clearable placeholder="every pod in the namespace" />
      </SimpleGrid>
      <Group gap="xl">
        <DefaultOnSwitch name={`${base}.restrictIngress`} label="Restrict incoming traffic" />
        <SwitchField name={`${base}.restrictEgress`} label="Restrict outgoing traffic" />
      </Group>
      <EntryIssue path={base} />
      {/* Rules are shown while they exist even with the direction unrestricted, so the server's complaint about them can be acted on. */}
      {(restrictIngress !== false || (ingress?.length ?? 0) > 0) && <Rules base={base} direction="ingress" />}
      {(restrictEgress === true || (egress?.length ?? 0) > 0) && <Rules base={base} direction="egress" />}
    </>
  );
}

/** NetworkPolicies: which pods they protect and the traffic they allow in and out. */
export function NetworkPolicies() {
  const { control } = useFormContext<AppSpec>();
  const policies = useFieldArray({ control, name: 'networkPolicies' });
  const names = ((useWatch({ name: 'networkPolicies' }) as { name?: string }[] | undefined) ?? []).map((p) => p?.name);
  const workloads = useWorkloadNames();
  return (
    <Stack gap="sm">
      {policies.fields.map((policy, index) => {
        const base = `networkPolicies.${index}`;
        return (
          <ItemCard
            key={policy.id}
            title={`NetworkPolicy ${names[index] ?? ''}`}
            removeLabel={`Remove NetworkPolicy ${names[index] || index + 1}`}
            onRemove={() => policies.remove(index)}
          >
            <NetworkPolicy base={base} />
          </ItemCard>
        );
      })}
      <Group>
        <Button
          variant="light"
          leftSection={<IconPlus size={16} />}
          onClick={() =>
            policies.append({
              name: uniqueName(`${workloads[0] ?? 'app'}-ingress`, names),
              ...(workloads.length > 0 ? { workload: workloads[0] } : {}),
              restrictIngress: true,
            })
          }
        >
          Add NetworkPolicy
        </Button>
        <Button
          variant="default"
          leftSection={<IconShieldLock size={16} />}
          onClick={() => policies.append({ name: uniqueName(DEFAULT_DENY_NAME, names), restrictIngress: true, ingress: [] })}
        >
          Default deny
        </Button>
      </Group>
      <Text size="xs" c="dimmed">
        Default deny adds a policy under which every pod of the namespace refuses incoming traffic that no other policy allows.
      </Text>
    </Stack>
  );
}
