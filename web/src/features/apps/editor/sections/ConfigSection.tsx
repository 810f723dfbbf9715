import { Button, Divider, Group, SimpleGrid, Stack, Text, Textarea } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useController, useFieldArray, useFormContext, useWatch } from 'react-hook-form';
import type { AppSpec } from '../../../../api/appspec';
import { SelectField, TextField } from '../../../../components/form/fields';
import { KeyValueField } from '../../../../components/form/KeyValueField';
import { ItemCard } from './ItemCard';

/** A `.env` block pasted as it is; the server reads it into keys. */
function DotenvField({ name }: { name: string }) {
  const { control } = useFormContext();
  const { field } = useController({ name, control });
  return (
    <Textarea
      label=".env content"
      description="KEY=value lines, e.g. pasted from a .env file."
      autosize
      minRows={2}
      styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
      fz="xs"
      name={field.name}
      ref={field.ref}
      value={typeof field.value === 'string' ? field.value : ''}
      onChange={(event) => field.onChange(event.currentTarget.value === '' ? undefined : event.currentTarget.value)}
      onBlur={field.onBlur}
    />
  );
}

function ConfigMaps() {
  const { control } = useFormContext<AppSpec>();
  const configMaps = useFieldArray({ control, name: 'configMaps' });
  const names = useWatch({ name: 'configMaps' }) as { name?: string }[] | undefined;
  return (
    <Stack gap="sm">
      {configMaps.fields.map((configMap, index) => (
        <ItemCard
          key={configMap.id}
          title={`ConfigMap ${names?.[index]?.name ?? ''}`}
          removeLabel={`Remove ConfigMap ${names?.[index]?.name || index + 1}`}
          onRemove={() => configMaps.remove(index)}
        >
          <TextField name={`configMaps.${index}.name`} label="ConfigMap name" required monospace />
          <KeyValueField name={`configMaps.${index}.data`} label="Data" />
          <DotenvField name={`configMaps.${index}.dotenv`} />
        </ItemCard>
      ))}
      <Group>
        <Button variant="light" leftSection={<IconPlus size={16} />} onClick={() => configMaps.append({ name: `config-${configMaps.fields.length + 1}` })}>
          Add ConfigMap
        </Button>
      </Group>
    </Stack>
  );
}

function Secrets() {
  const { control } = useFormContext<AppSpec>();
  const secrets = useFieldArray({ control, name: 'secrets' });
  const values = useWatch({ name: 'secrets' }) as { name?: string; type?: string }[] | undefined;
  return (
    <Stack gap="sm">
      {secrets.fields.map((secret, index) => {
        const type = values?.[index]?.type ?? 'opaque';
        return (
          <ItemCard
            key={secret.id}
            title={`Secret ${values?.[index]?.name ?? ''}`}
            removeLabel={`Remove Secret ${values?.[index]?.name || index + 1}`}
            onRemove={() => secrets.remove(index)}
          >
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
              <TextField name={`secrets.${index}.name`} label="Secret name" required monospace />
              <SelectField
                name={`secrets.${index}.type`}
                label="Type"
                data={[
                  { value: 'opaque', label: 'Values (Opaque)' },
                  { value: 'tls', label: 'TLS key pair' },
                  { value: 'dockerConfigJson', label: 'Registry credentials' },
                ]}
                placeholder="Values (Opaque)"
              />
            </SimpleGrid>
            {type === 'opaque' && <KeyValueField name={`secrets.${index}.data`} label="Values" secret />}
            {type === 'dockerConfigJson' && (
              <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
                <TextField name={`secrets.${index}.registry.server`} label="Registry" placeholder="ghcr.io" />
                <TextField name={`secrets.${index}.registry.username`} label="Username" />
                <TextField name={`secrets.${index}.registry.password`} label="Password" secret />
              </SimpleGrid>
            )}
            {type === 'tls' && (
              <Text size="sm" c="dimmed">
                Paste the certificate and key in the YAML tab (<code>tls.certificate</code>, <code>tls.key</code>).
              </Text>
            )}
          </ItemCard>
        );
      })}
      <Group>
        <Button variant="light" leftSection={<IconPlus size={16} />} onClick={() => secrets.append({ name: `secret-${secrets.fields.length + 1}` })}>
          Add Secret
        </Button>
      </Group>
    </Stack>
  );
}

export function ConfigSection() {
  return (
    <Stack gap="lg">
      <Divider label="ConfigMaps" labelPosition="left" />
      <ConfigMaps />
      <Divider label="Secrets" labelPosition="left" />
      <Secrets />
    </Stack>
  );
}
