import { Select, SimpleGrid, Stack, Text } from '@mantine/core';
import { useController, useFormContext, useWatch } from 'react-hook-form';
import { describe } from '../../../../../components/form/FieldWarning';
import { useFieldIssues } from '../../../../../lib/form/issues';
import { sentence } from '../../../../../lib/http';

const LEVELS = [
  { value: 'privileged', label: 'Privileged (no restrictions)' },
  { value: 'baseline', label: 'Baseline (no known privilege escalations)' },
  { value: 'restricted', label: 'Restricted (hardened)' },
];

const MODES = [
  { mode: 'enforce', description: 'Pods that break the level are refused.' },
  { mode: 'warn', description: 'Whoever applies such a pod is warned.' },
  { mode: 'audit', description: 'Such pods are noted in the audit log.' },
] as const;

type Labels = Record<string, string>;

/**
 * One Pod Security Admission mode: the `pod-security.kubernetes.io/<mode>` label of the created
 * Namespace. Only that label changes; the namespace's other labels stay as they are.
 */
function LevelSelect({ mode, description }: { mode: string; description: string }) {
  const { control } = useFormContext();
  const { field } = useController({ name: 'namespaceLabels', control });
  const key = `pod-security.kubernetes.io/${mode}`;
  const issues = useFieldIssues(`namespaceLabels.${key}`);
  const labels: Labels = field.value !== null && typeof field.value === 'object' ? (field.value as Labels) : {};
  const level = labels[key] ?? null;
  return (
    <Select
      label={`Pod Security ${mode} level`}
      description={describe(description, issues.warning ? sentence(issues.warning) : undefined)}
      placeholder="not set"
      name={`namespaceLabels.${key}`}
      // A value typed in the YAML tab that is not a level is still shown, so that it can be seen and replaced.
      data={level === null || LEVELS.some((l) => l.value === level) ? LEVELS : [...LEVELS, { value: level, label: level }]}
      value={level}
      clearable
      onChange={(next) => {
        const updated = next === null ? Object.fromEntries(Object.entries(labels).filter(([k]) => k !== key)) : { ...labels, [key]: next };
        field.onChange(Object.keys(updated).length === 0 ? undefined : updated);
      }}
      onBlur={field.onBlur}
      error={issues.error ? sentence(issues.error) : undefined}
      comboboxProps={{ withinPortal: true }}
    />
  );
}

/** Pod Security Admission levels, written as labels of the Namespace the app creates. */
export function PodSecurity() {
  const createNamespace = useWatch({ name: 'createNamespace' }) === true;
  return (
    <Stack gap="sm">
      {!createNamespace && (
        <Text size="sm" c="dimmed">
          These levels are labels of the Namespace this application creates: they apply once “Create the namespace” is on
          in Basics.
        </Text>
      )}
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
        {MODES.map(({ mode, description }) => (
          <LevelSelect key={mode} mode={mode} description={description} />
        ))}
      </SimpleGrid>
    </Stack>
  );
}
