import { ActionIcon, Button, Fieldset, Group, Input, SimpleGrid, Stack, Text } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useFieldArray, useFormContext, useWatch } from 'react-hook-form';
import type { AppSpec } from '../../../../../api/appspec';
import { NumberField, SelectField, StringListField, TextField } from '../../../../../components/form/fields';
import { ItemCard } from '../ItemCard';
import { CertificateField, EntryIssue, GatewayField, options, ServiceField, ServicePortField, useClusterChoices, type ClusterChoices } from './fields';
import type { PathMatchType } from './types';

const pathMatchTypes = options<PathMatchType>({
  PathPrefix: 'Path prefix',
  Exact: 'Exact',
  RegularExpression: 'Regular expression',
});

function RemoveButton({ label, onClick }: { label: string; onClick: () => void }) {
  return (
    <ActionIcon variant="subtle" color="gray" mt={26} size={36} aria-label={label} onClick={onClick}>
      <IconTrash size={16} />
    </ActionIcon>
  );
}

function ParentGateways({ base, gateways }: { base: string; gateways: ClusterChoices }) {
  const { control } = useFormContext<AppSpec>();
  const parents = useFieldArray({ control, name: `${base}.parents` as 'httpRoutes.0.parents' });
  return (
    <Input.Wrapper label="Parent Gateways">
      <Stack gap={6} mt={4}>
        <EntryIssue path={`${base}.parents`} />
        {parents.fields.map((parent, index) => {
          const at = `${base}.parents.${index}`;
          return (
            <Group key={parent.id} gap={6} align="flex-start" wrap="nowrap">
              <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm" style={{ flex: 1 }}>
                <GatewayField base={at} label={`Gateway ${index + 1}`} choices={gateways} />
                <TextField name={`${at}.namespace`} label={`Gateway ${index + 1} namespace`} optional monospace placeholder="the app's namespace" />
                <TextField name={`${at}.sectionName`} label={`Gateway ${index + 1} listener`} optional monospace placeholder="every listener" />
              </SimpleGrid>
              <RemoveButton label={`Remove Gateway ${index + 1}`} onClick={() => parents.remove(index)} />
            </Group>
          );
        })}
        <Group>
          <Button variant="subtle" size="xs" leftSection={<IconPlus size={14} />} onClick={() => parents.append({ name: '' })}>
            Add parent Gateway
          </Button>
        </Group>
      </Stack>
    </Input.Wrapper>
  );
}

function Backends({ base }: { base: string }) {
  const { control } = useFormContext<AppSpec>();
  const backends = useFieldArray({ control, name: `${base}.backends` as 'httpRoutes.0.rules.0.backends' });
  return (
    <Stack gap={6}>
      <EntryIssue path={`${base}.backends`} />
      {backends.fields.map((backend, index) => {
        const at = `${base}.backends.${index}`;
        return (
          <Group key={backend.id} gap={6} align="flex-start" wrap="nowrap">
            <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm" style={{ flex: 1 }}>
              <ServiceField name={`${at}.service`} label={`Backend ${index + 1} Service`} />
              <ServicePortField name={`${at}.port`} label={`Backend ${index + 1} port`} service={`${at}.service`} />
              <NumberField name={`${at}.weight`} label={`Backend ${index + 1} weight`} min={0} max={1_000_000} placeholder="1" />
            </SimpleGrid>
            <RemoveButton label={`Remove backend ${index + 1}`} onClick={() => backends.remove(index)} />
          </Group>
        );
      })}
      <Group>
        <Button variant="subtle" size="xs" leftSection={<IconPlus size={14} />} onClick={() => backends.append({})}>
          Add backend
        </Button>
      </Group>
    </Stack>
  );
}

function RouteRules({ base }: { base: string }) {
  const { control } = useFormContext<AppSpec>();
  const rules = useFieldArray({ control, name: `${base}.rules` as 'httpRoutes.0.rules' });
  return (
    <Stack gap="sm">
      <EntryIssue path={`${base}.rules`} />
      {rules.fields.map((rule, index) => {
        const at = `${base}.rules.${index}`;
        return (
          <Fieldset key={rule.id} legend={`Rule ${index + 1}`} variant="filled" p="sm">
            <Stack gap="sm">
              <Group gap={6} align="flex-start" wrap="nowrap">
                <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm" style={{ flex: 1 }}>
                  <TextField name={`${at}.path`} label="Path" monospace placeholder="/" />
                  <SelectField name={`${at}.pathType`} label="Path match" data={pathMatchTypes} clearable placeholder="Path prefix" />
                </SimpleGrid>
                <RemoveButton label={`Remove rule ${index + 1}`} onClick={() => rules.remove(index)} />
              </Group>
              <Backends base={at} />
            </Stack>
          </Fieldset>
        );
      })}
      <Group>
        <Button variant="subtle" size="xs" leftSection={<IconPlus size={14} />} onClick={() => rules.append({ path: '/', backends: [{}] })}>
          Add rule
        </Button>
      </Group>
    </Stack>
  );
}

/** HTTPRoutes (Gateway API): the Gateways they attach to, their hostnames and rules with backends. */
export function HttpRoutes({ clusterId }: { clusterId?: string | null }) {
  const { control } = useFormContext<AppSpec>();
  const routes = useFieldArray({ control, name: 'httpRoutes' });
  const names = useWatch({ name: 'httpRoutes' }) as { name?: string | null }[] | undefined;
  const gateways = useClusterChoices(clusterId, 'gateways', 'Gateways');
  const add = () => {
    // The only Gateway of the cluster is the obvious parent; among several, the person picks.
    const items = gateways.picker?.items ?? [];
    const only = items.length === 1 ? items[0] : undefined;
    routes.append({
      parents: [{ name: only?.name ?? '', namespace: only?.namespace ?? undefined }],
      rules: [{ path: '/', backends: [{}] }],
    });
  };
  return (
    <Stack gap="sm">
      {routes.fields.length === 0 && gateways.picker?.reason && (
        <Text size="sm" c="dimmed">
          {gateways.picker.reason}
        </Text>
      )}
      {routes.fields.map((route, index) => {
        const base = `httpRoutes.${index}`;
        const label = names?.[index]?.name || `HTTPRoute ${index + 1}`;
        return (
          <ItemCard key={route.id} title={`HTTPRoute ${names?.[index]?.name ?? ''}`} removeLabel={`Remove ${label}`} onRemove={() => routes.remove(index)}>
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
              <TextField name={`${base}.name`} label="HTTPRoute name" optional monospace placeholder="the app's name" />
              <CertificateField
                name={`${base}.certificate`}
                label="Certificate"
                description="Its secret is what the Gateway listener must reference."
              />
            </SimpleGrid>
            <ParentGateways base={base} gateways={gateways} />
            <StringListField name={`${base}.hostnames`} label="Hostnames" placeholder="api.example.com, then Enter" />
            <EntryIssue path={`${base}.hostnames`} items />
            <RouteRules base={base} />
          </ItemCard>
        );
      })}
      <Group>
        <Button variant="light" leftSection={<IconPlus size={16} />} onClick={add}>
          Add HTTPRoute
        </Button>
      </Group>
    </Stack>
  );
}
