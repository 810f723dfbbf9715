import { ActionIcon, Button, Fieldset, Group, SimpleGrid, Stack } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useFieldArray, useFormContext, useWatch } from 'react-hook-form';
import type { AppSpec, PathType } from '../../../../../api/appspec';
import { SelectField, TextField } from '../../../../../components/form/fields';
import { ItemCard } from '../ItemCard';
import { CertificateField, EntryIssue, options, PickedNameField, ServiceField, ServicePortField, useClusterChoices } from './fields';

const pathTypes = options<PathType>({
  Prefix: 'Prefix',
  Exact: 'Exact',
  ImplementationSpecific: 'Implementation specific',
});

function IngressPaths({ base }: { base: string }) {
  const { control } = useFormContext<AppSpec>();
  const paths = useFieldArray({ control, name: `${base}.paths` as 'ingresses.0.rules.0.paths' });
  return (
    <Stack gap={6}>
      {paths.fields.map((path, index) => {
        const at = `${base}.paths.${index}`;
        return (
          <Group key={path.id} gap={6} align="flex-start" wrap="nowrap">
            <SimpleGrid cols={{ base: 1, sm: 4 }} spacing="sm" style={{ flex: 1 }}>
              <TextField name={`${at}.path`} label={`Path ${index + 1}`} monospace placeholder="/" />
              <SelectField name={`${at}.pathType`} label={`Match ${index + 1}`} data={pathTypes} clearable placeholder="Prefix" />
              <ServiceField name={`${at}.service`} label={`Service ${index + 1}`} />
              <ServicePortField name={`${at}.port`} label={`Service port ${index + 1}`} service={`${at}.service`} />
            </SimpleGrid>
            <ActionIcon variant="subtle" color="gray" mt={26} size={36} aria-label={`Remove path ${index + 1}`} onClick={() => paths.remove(index)}>
              <IconTrash size={16} />
            </ActionIcon>
          </Group>
        );
      })}
      <Group>
        <Button variant="subtle" size="xs" leftSection={<IconPlus size={14} />} onClick={() => paths.append({ path: '/' })}>
          Add path
        </Button>
      </Group>
    </Stack>
  );
}

function IngressRules({ base }: { base: string }) {
  const { control } = useFormContext<AppSpec>();
  const rules = useFieldArray({ control, name: `${base}.rules` as 'ingresses.0.rules' });
  return (
    <Stack gap="sm">
      {rules.fields.map((rule, index) => {
        const at = `${base}.rules.${index}`;
        return (
          <Fieldset key={rule.id} legend={`Rule ${index + 1}`} variant="filled" p="sm">
            <Stack gap="sm">
              <Group gap={6} align="flex-start" wrap="nowrap">
                <div style={{ flex: 1 }}>
                  <TextField name={`${at}.host`} label="Host" optional monospace placeholder="every host" />
                </div>
                <ActionIcon variant="subtle" color="gray" mt={26} size={36} aria-label={`Remove rule ${index + 1}`} onClick={() => rules.remove(index)}>
                  <IconTrash size={16} />
                </ActionIcon>
              </Group>
              <EntryIssue path={`${at}.paths`} />
              <IngressPaths base={at} />
            </Stack>
          </Fieldset>
        );
      })}
      <Group>
        <Button variant="subtle" size="xs" leftSection={<IconPlus size={14} />} onClick={() => rules.append({ paths: [{ path: '/' }] })}>
          Add rule
        </Button>
      </Group>
    </Stack>
  );
}

export function Ingresses({ clusterId }: { clusterId?: string | null }) {
  const { control } = useFormContext<AppSpec>();
  const ingresses = useFieldArray({ control, name: 'ingresses' });
  const names = useWatch({ name: 'ingresses' }) as { name?: string | null }[] | undefined;
  const ingressClasses = useClusterChoices(clusterId, 'ingressClasses', 'ingress classes');
  return (
    <Stack gap="sm">
      {ingresses.fields.map((ingress, index) => {
        const base = `ingresses.${index}`;
        const label = names?.[index]?.name || `Ingress ${index + 1}`;
        return (
          <ItemCard key={ingress.id} title={`Ingress ${names?.[index]?.name ?? ''}`} removeLabel={`Remove ${label}`} onRemove={() => ingresses.remove(index)}>
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
              <TextField name={`${base}.name`} label="Ingress name" optional monospace placeholder="the app's name" />
              <PickedNameField name={`${base}.className`} label="Ingress class" choices={ingressClasses} />
              <CertificateField name={`${base}.tls.certificate`} label="TLS certificate" />
              <TextField name={`${base}.tls.secretName`} label="TLS secret" optional monospace placeholder="an existing TLS Secret" />
            </SimpleGrid>
            <EntryIssue path={`${base}.tls`} />
            <EntryIssue path={`${base}.rules`} />
            <IngressRules base={base} />
          </ItemCard>
        );
      })}
      <Group>
        <Button variant="light" leftSection={<IconPlus size={16} />} onClick={() => ingresses.append({ rules: [{ paths: [{ path: '/' }] }] })}>
          Add Ingress
        </Button>
      </Group>
    </Stack>
  );
}
