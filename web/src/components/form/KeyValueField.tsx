import { ActionIcon, Button, Group, Input, PasswordInput, Stack, TextInput } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { describe } from './FieldWarning';
import { useBoundField } from './useBoundField';

type Row = { key: string; value: string };

const monospaceInput = { input: { fontFamily: 'var(--mantine-font-family-monospace)' } };

function toRows(value: unknown): Row[] {
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value as Record<string, unknown>).map(([key, v]) => ({
    key,
    value: typeof v === 'string' ? v : JSON.stringify(v),
  }));
}

/** Rows with an empty key are still being typed: they stay on screen but not in the spec. */
function toRecord(rows: Row[]): Record<string, string> | undefined {
  const entries = rows.filter((row) => row.key !== '').map((row) => [row.key, row.value] as const);
  return entries.length === 0 ? undefined : Object.fromEntries(entries);
}

/**
 * A map of strings (labels, annotations, ConfigMap data) as editable rows. The rows are kept locally so
 * that a key can be retyped without the row jumping; the form holds the map. `secret` hides the values.
 */
export function KeyValueField({
  name,
  label,
  description,
  keyLabel = 'Key',
  valueLabel = 'Value',
  secret = false,
}: {
  name: string;
  label: string;
  description?: ReactNode;
  keyLabel?: string;
  valueLabel?: string;
  secret?: boolean;
}) {
  const { field, error, warning } = useBoundField(name);
  const [rows, setRows] = useState<Row[]>(() => toRows(field.value));
  const lastWritten = useRef<string>(JSON.stringify(toRecord(rows) ?? null));

  // The map changed from outside (a reset, the YAML tab, a template): show it.
  useEffect(() => {
    const incoming = JSON.stringify(field.value ?? null);
    if (incoming !== lastWritten.current) {
      lastWritten.current = incoming;
      setRows(toRows(field.value));
    }
  }, [field.value]);

  const update = (next: Row[]) => {
    setRows(next);
    const record = toRecord(next);
    lastWritten.current = JSON.stringify(record ?? null);
    field.onChange(record);
  };

  const ValueInput = secret ? PasswordInput : TextInput;
  return (
    <Input.Wrapper label={label} description={describe(description, warning)} error={error}>
      <Stack gap={6} mt={4}>
        {rows.map((row, index) => (
          <Group key={index} gap={6} wrap="nowrap" align="flex-start">
            <TextInput
              aria-label={`${label}: ${keyLabel} ${index + 1}`}
              placeholder={keyLabel}
              value={row.key}
              onChange={(event) =>
                update(rows.map((r, i) => (i === index ? { ...r, key: event.currentTarget.value } : r)))
              }
              style={{ flex: 1 }}
              styles={monospaceInput}
            />
            <ValueInput
              aria-label={`${label}: ${valueLabel} ${index + 1}`}
              placeholder={valueLabel}
              value={row.value}
              onChange={(event) =>
                update(rows.map((r, i) => (i === index ? { ...r, value: event.currentTarget.value } : r)))
              }
              style={{ flex: 1.4 }}
              styles={monospaceInput}
            />
            <ActionIcon
              variant="subtle"
              color="gray"
              size={36}
              aria-label={`Remove ${label.toLowerCase()} ${row.key || index + 1}`}
              onClick={() => update(rows.filter((_, i) => i !== index))}
            >
              <IconTrash size={16} />
            </ActionIcon>
          </Group>
        ))}
        <Group>
          <Button
            variant="subtle"
            size="xs"
            leftSection={<IconPlus size={14} />}
            onClick={() => setRows([...rows, { key: '', value: '' }])}
          >
            Add {keyLabel.toLowerCase()}
          </Button>
        </Group>
      </Stack>
    </Input.Wrapper>
  );
}
