import { Button, Divider, Group, Input, SimpleGrid, Stack, Text, Textarea } from '@mantine/core';
import { IconEye, IconEyeOff, IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { useController, useFieldArray, useFormContext, useWatch } from 'react-hook-form';
import type { AppSpec } from '../../../../api/appspec';
import { describe } from '../../../../components/form/FieldWarning';
import { SelectField, TextField } from '../../../../components/form/fields';
import { useBoundField } from '../../../../components/form/useBoundField';
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

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

/**
 * A first look at pasted PEM text, as a hint: the server and the cluster judge it. A certificate field
 * holds one or more CERTIFICATE blocks (the chain), a key field one unencrypted PRIVATE KEY block.
 */
function pemHint(text: string, what: 'certificate' | 'key'): string | undefined {
  if (text.trim() === '') return undefined;
  const labels = [...text.matchAll(PEM_BLOCK)].map((match) => match[1]!);
  const begins = text.match(/-----BEGIN [A-Z0-9 ]+-----/g)?.length ?? 0;
  if (labels.length === 0 || labels.length !== begins) {
    return 'This does not look like PEM: each block starts with a -----BEGIN …----- line and ends with the matching -----END …----- line.';
  }
  if (what === 'certificate') {
    return labels.every((label) => label === 'CERTIFICATE') ? undefined : 'Expected CERTIFICATE blocks (the certificate first, then its chain).';
  }
  if (labels.length !== 1) return 'Expected exactly one private key block.';
  if (labels[0] === 'ENCRYPTED PRIVATE KEY') return 'This key is encrypted with a passphrase; Kubernetes needs the key unencrypted.';
  return /^(RSA |EC )?PRIVATE KEY$/.test(labels[0]!) ? undefined : `Expected a PRIVATE KEY block, found ${labels[0]}.`;
}

const pemInput = { input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 'var(--mantine-font-size-xs)' } };

/**
 * PEM text pasted into a monospace area, with a hint when it does not look like PEM. A private key
 * (`what="key"`) is hidden once entered, until the person asks to see it.
 */
function PemField({ name, label, what }: { name: string; label: string; what: 'certificate' | 'key' }) {
  const { field, error, warning } = useBoundField(name);
  const [shown, setShown] = useState(false);
  const [editing, setEditing] = useState(false);
  const text = typeof field.value === 'string' ? field.value : '';
  const hint = pemHint(text, what);
  const hidden = what === 'key' && !shown && !editing && text !== '';
  const toggle = (
    <Button
      variant="subtle"
      size="compact-xs"
      color="gray"
      leftSection={shown ? <IconEyeOff size={14} /> : <IconEye size={14} />}
      onClick={() => setShown(!shown)}
    >
      {shown ? 'Hide key' : 'Show key'}
    </Button>
  );
  if (hidden) {
    return (
      <Input.Wrapper label={label} description={describe(hint, warning)} error={error}>
        <Group gap="xs" mt={4}>
          <Text size="sm" c="dimmed">
            Hidden ({text.trim().split('\n').length} lines)
          </Text>
          {toggle}
        </Group>
      </Input.Wrapper>
    );
  }
  return (
    <Stack gap={2}>
      <Textarea
        label={label}
        description={describe(hint, warning)}
        placeholder={what === 'key' ? '-----BEGIN PRIVATE KEY-----' : '-----BEGIN CERTIFICATE-----'}
        autosize
        minRows={3}
        maxRows={12}
        spellCheck={false}
        autoComplete="off"
        styles={pemInput}
        name={field.name}
        ref={field.ref}
        value={text}
        onFocus={() => setEditing(true)}
        onChange={(event) => field.onChange(event.currentTarget.value)}
        onBlur={() => {
          setEditing(false);
          field.onBlur();
        }}
        error={error}
      />
      {what === 'key' && shown && text !== '' && <Group>{toggle}</Group>}
    </Stack>
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
              <SimpleGrid cols={{ base: 1, md: 2 }} spacing="sm">
                <PemField name={`secrets.${index}.tls.certificate`} label="Certificate (PEM)" what="certificate" />
                <PemField name={`secrets.${index}.tls.privateKey`} label="Private key (PEM)" what="key" />
              </SimpleGrid>
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
