import { ActionIcon, Button, Group, Input, Select, SimpleGrid, Stack } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useFieldArray, useFormContext, useWatch } from 'react-hook-form';
import type { AppSpec, ContainerSpec } from '../../../../../api/appspec';
import { TextField } from '../../../../../components/form/fields';
import { SuggestField } from '../../../../../components/form/ListFields';
import { useConfigMaps, useSecrets, type NamedKeys } from './shared';

type EnvVar = NonNullable<ContainerSpec['env']>[number];
type EnvFrom = NonNullable<ContainerSpec['envFrom']>[number];
type Source = 'value' | 'configMapKey' | 'secretKey' | 'fieldPath';

const SOURCES: { value: Source; label: string }[] = [
  { value: 'value', label: 'Value' },
  { value: 'configMapKey', label: 'ConfigMap key' },
  { value: 'secretKey', label: 'Secret key' },
  { value: 'fieldPath', label: 'Pod field' },
];

/** Pod fields the downward API offers as environment variables. */
const POD_FIELDS = [
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'spec.nodeName',
  'spec.serviceAccountName',
  'status.hostIP',
  'status.podIP',
  'status.podIPs',
];

function sourceOf(variable: EnvVar | undefined): Source {
  if (variable?.configMapKey) return 'configMapKey';
  if (variable?.secretKey) return 'secretKey';
  if (variable?.fieldPath !== undefined && variable?.fieldPath !== null) return 'fieldPath';
  return 'value';
}

/** A ConfigMap or Secret key: the object picked from the app's (or typed), the key suggested from its keys. */
function KeyRefFields({ at, label, objects, kind }: { at: string; label: string; objects: NamedKeys[]; kind: string }) {
  const objectName = useWatch({ name: `${at}.name` }) as string | undefined;
  const keys = objects.find((object) => object.name === objectName)?.keys ?? [];
  return (
    <>
      <SuggestField name={`${at}.name`} label={`${label} ${kind}`} data={objects.map((object) => object.name)} required placeholder={`${kind} name`} />
      <SuggestField name={`${at}.key`} label={`${label} key`} data={keys} required placeholder="KEY" />
    </>
  );
}

function EnvVarRow({ base, index, onRemove }: { base: string; index: number; onRemove: () => void }) {
  const { setValue } = useFormContext();
  const at = `${base}.env.${index}`;
  const variable = useWatch({ name: at }) as EnvVar | undefined;
  const configMaps = useConfigMaps();
  const secrets = useSecrets();
  const source = sourceOf(variable);
  const label = `Variable ${index + 1}`;

  // Exactly one source: switching replaces the old one, keeping the name.
  const switchTo = (next: Source) => {
    if (next === source) return;
    const kept: EnvVar = { name: variable?.name ?? '' };
    const firstConfigMap = configMaps[0]?.name ?? '';
    const firstSecret = secrets[0]?.name ?? '';
    const replaced: EnvVar =
      next === 'value'
        ? { ...kept, value: '' }
        : next === 'configMapKey'
          ? { ...kept, configMapKey: { name: firstConfigMap, key: '' } }
          : next === 'secretKey'
            ? { ...kept, secretKey: { name: firstSecret, key: '' } }
            : { ...kept, fieldPath: 'metadata.name' };
    setValue(at, replaced, { shouldDirty: true });
  };

  return (
    <Group gap={6} align="flex-start" wrap="nowrap">
      <SimpleGrid cols={{ base: 1, sm: source === 'configMapKey' || source === 'secretKey' ? 4 : 3 }} spacing={6} style={{ flex: 1 }}>
        <TextField name={`${at}.name`} label={`${label} name`} monospace />
        <Select
          label={`${label} source`}
          data={SOURCES}
          value={source}
          allowDeselect={false}
          onChange={(next) => next && switchTo(next as Source)}
          comboboxProps={{ withinPortal: true }}
        />
        {source === 'value' && <TextField name={`${at}.value`} label={`${label} value`} optional monospace />}
        {source === 'configMapKey' && <KeyRefFields at={`${at}.configMapKey`} label={label} objects={configMaps} kind="ConfigMap" />}
        {source === 'secretKey' && <KeyRefFields at={`${at}.secretKey`} label={label} objects={secrets} kind="Secret" />}
        {source === 'fieldPath' && <SuggestField name={`${at}.fieldPath`} label={`${label} pod field`} data={POD_FIELDS} required placeholder="metadata.name" />}
      </SimpleGrid>
      <ActionIcon variant="subtle" color="gray" mt={26} size={36} aria-label={`Remove variable ${index + 1}`} onClick={onRemove}>
        <IconTrash size={16} />
      </ActionIcon>
    </Group>
  );
}

/** Environment variables: a literal value, a ConfigMap or Secret key, or a field of the pod. */
export function EnvField({ base }: { base: string }) {
  const { control } = useFormContext<AppSpec>();
  const env = useFieldArray({ control, name: `${base}.env` as 'workloads.0.containers.0.env' });
  return (
    <Input.Wrapper label="Environment variables">
      <Stack gap={6} mt={4}>
        {env.fields.map((variable, index) => (
          <EnvVarRow key={variable.id} base={base} index={index} onRemove={() => env.remove(index)} />
        ))}
        <Group>
          <Button variant="subtle" size="xs" leftSection={<IconPlus size={14} />} onClick={() => env.append({ name: '', value: '' })}>
            Add variable
          </Button>
        </Group>
      </Stack>
    </Input.Wrapper>
  );
}

function EnvFromRow({ base, index, onRemove }: { base: string; index: number; onRemove: () => void }) {
  const { setValue } = useFormContext();
  const at = `${base}.envFrom.${index}`;
  const entry = useWatch({ name: at }) as EnvFrom | undefined;
  const configMaps = useConfigMaps();
  const secrets = useSecrets();
  const kind = entry?.secret !== undefined && entry?.secret !== null ? 'secret' : 'configMap';
  const label = `Import ${index + 1}`;
  return (
    <Group gap={6} align="flex-start" wrap="nowrap">
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing={6} style={{ flex: 1 }}>
        <Select
          label={`${label} kind`}
          data={[
            { value: 'configMap', label: 'ConfigMap' },
            { value: 'secret', label: 'Secret' },
          ]}
          value={kind}
          allowDeselect={false}
          onChange={(next) => {
            if (!next || next === kind) return;
            const name = next === 'secret' ? (secrets[0]?.name ?? '') : (configMaps[0]?.name ?? '');
            const replaced: EnvFrom = { [next]: name, ...(entry?.prefix ? { prefix: entry.prefix } : {}) };
            setValue(at, replaced, { shouldDirty: true });
          }}
          comboboxProps={{ withinPortal: true }}
        />
        <SuggestField
          key={kind}
          name={`${at}.${kind}`}
          label={`${label} name`}
          data={(kind === 'secret' ? secrets : configMaps).map((object) => object.name)}
          required
        />
        <TextField name={`${at}.prefix`} label={`${label} prefix`} optional monospace placeholder="none" />
      </SimpleGrid>
      <ActionIcon variant="subtle" color="gray" mt={26} size={36} aria-label={`Remove import ${index + 1}`} onClick={onRemove}>
        <IconTrash size={16} />
      </ActionIcon>
    </Group>
  );
}

/** Every key of a ConfigMap or Secret as environment variables. */
export function EnvFromField({ base }: { base: string }) {
  const { control } = useFormContext<AppSpec>();
  const envFrom = useFieldArray({ control, name: `${base}.envFrom` as 'workloads.0.containers.0.envFrom' });
  const configMaps = useConfigMaps();
  return (
    <Input.Wrapper label="Environment from ConfigMaps and Secrets" description="Every key becomes a variable.">
      <Stack gap={6} mt={4}>
        {envFrom.fields.map((entry, index) => (
          <EnvFromRow key={entry.id} base={base} index={index} onRemove={() => envFrom.remove(index)} />
        ))}
        <Group>
          <Button
            variant="subtle"
            size="xs"
            leftSection={<IconPlus size={14} />}
            onClick={() => envFrom.append({ configMap: configMaps[0]?.name ?? '' })}
          >
            Add ConfigMap or Secret
          </Button>
        </Group>
      </Stack>
    </Input.Wrapper>
  );
}
