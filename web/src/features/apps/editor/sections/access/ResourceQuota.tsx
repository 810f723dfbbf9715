import { Button, Group, SimpleGrid, Stack, Switch, TextInput } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { useController, useFormContext, useWatch } from 'react-hook-form';
import { monospaceInput, QUANTITY, TextField } from '../../../../../components/form/fields';
import { describe } from '../../../../../components/form/FieldWarning';
import { useFieldIssues } from '../../../../../lib/form/issues';
import { sentence } from '../../../../../lib/http';

/** The limits most quotas set; any other key the spec holds is shown after them. */
const COMMON_LIMITS: readonly { key: string; label: string; placeholder: string }[] = [
  { key: 'requests.cpu', label: 'CPU requests', placeholder: '4' },
  { key: 'limits.cpu', label: 'CPU limits', placeholder: '8' },
  { key: 'requests.memory', label: 'Memory requests', placeholder: '8Gi' },
  { key: 'limits.memory', label: 'Memory limits', placeholder: '16Gi' },
  { key: 'requests.storage', label: 'Storage requests', placeholder: '100Gi' },
  { key: 'pods', label: 'Pods', placeholder: '20' },
  { key: 'persistentvolumeclaims', label: 'PersistentVolumeClaims', placeholder: '10' },
  { key: 'services', label: 'Services', placeholder: '10' },
  { key: 'configmaps', label: 'ConfigMaps', placeholder: '50' },
  { key: 'secrets', label: 'Secrets', placeholder: '50' },
];
const COMMON_KEYS = new Set(COMMON_LIMITS.map((limit) => limit.key));

// Kubernetes quantities, as the form's quantity fields check them: 4, 250m, 1.5, 512Mi, 2G.
const QUANTITY_HINT = 'Use a quantity such as 4, 500m or 8Gi';

type Limits = Record<string, string>;

const asLimits = (value: unknown): Limits =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Limits) : {};

/**
 * One hard limit. The map's keys hold dots (`requests.cpu`), which a form path would read as nesting, so
 * the inputs edit the `hard` map as a whole; the server's message for a key still lands here.
 */
function LimitInput({ limitKey, label, placeholder, value, onChange }: { limitKey: string; label: string; placeholder?: string; value: string; onChange: (value: string) => void }) {
  const issues = useFieldIssues(`resourceQuota.hard.${limitKey}`);
  const invalid = value !== '' && !QUANTITY.test(value);
  return (
    <TextInput
      label={label}
      description={describe(undefined, issues.warning ? sentence(issues.warning) : undefined)}
      name={`resourceQuota.hard.${limitKey}`}
      placeholder={placeholder}
      value={value}
      onChange={(event) => onChange(event.currentTarget.value.trim())}
      error={invalid ? QUANTITY_HINT : issues.error ? sentence(issues.error) : undefined}
      styles={monospaceInput}
    />
  );
}

function HardLimits() {
  const { control } = useFormContext();
  const { field } = useController({
    name: 'resourceQuota.hard',
    control,
    rules: {
      validate: (value: unknown) => Object.values(asLimits(value)).every((limit) => QUANTITY.test(String(limit))) || QUANTITY_HINT,
    },
  });
  const hard = asLimits(field.value);
  // Keys added here stay on screen while their value is cleared and retyped.
  const [added, setAdded] = useState<string[]>([]);
  const [newKey, setNewKey] = useState('');
  const others = [...new Set([...Object.keys(hard).filter((key) => !COMMON_KEYS.has(key)), ...added])];

  const set = (key: string, value: string) => {
    const next = { ...hard };
    if (value === '') delete next[key];
    else next[key] = value;
    field.onChange(next);
  };
  const addKey = () => {
    const key = newKey.trim();
    if (key === '' || COMMON_KEYS.has(key) || others.includes(key)) return;
    setAdded([...added, key]);
    setNewKey('');
  };

  return (
    <Stack gap="sm">
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
        {[...COMMON_LIMITS, ...others.map((key) => ({ key, label: key, placeholder: undefined }))].map((limit) => (
          <LimitInput
            key={limit.key}
            limitKey={limit.key}
            label={limit.label}
            placeholder={limit.placeholder}
            value={hard[limit.key] ?? ''}
            onChange={(value) => set(limit.key, value)}
          />
        ))}
      </SimpleGrid>
      <Group gap={6} align="flex-end">
        <TextInput
          label="Other limit"
          description="Any key a ResourceQuota takes, e.g. count/deployments.apps."
          value={newKey}
          onChange={(event) => setNewKey(event.currentTarget.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter') {
              event.preventDefault();
              addKey();
            }
          }}
          styles={monospaceInput}
          style={{ flex: 1 }}
        />
        <Button variant="subtle" leftSection={<IconPlus size={14} />} onClick={addKey} disabled={newKey.trim() === ''}>
          Add limit
        </Button>
      </Group>
    </Stack>
  );
}

/** A ResourceQuota for the app's namespace: on or off, then its hard limits. */
export function ResourceQuota() {
  const { setValue } = useFormContext();
  const quota = useWatch({ name: 'resourceQuota' }) as unknown;
  const enabled = quota !== undefined && quota !== null;
  return (
    <Stack gap="sm">
      <Switch
        label="Limit what the namespace may use (ResourceQuota)"
        checked={enabled}
        onChange={(event) =>
          setValue('resourceQuota', event.currentTarget.checked ? { hard: {} } : undefined, { shouldDirty: true })
        }
      />
      {enabled && (
        <>
          <TextField name="resourceQuota.name" label="ResourceQuota name" optional monospace placeholder="<app>-quota" />
          <HardLimits />
        </>
      )}
    </Stack>
  );
}
