import { Button, Group, Stack, TextInput } from '@mantine/core';
import { IconChevronDown, IconChevronRight } from '@tabler/icons-react';
import { useId, useState, type ReactNode } from 'react';
import { useWatch } from 'react-hook-form';
import { describe } from '../../../../../components/form/FieldWarning';
import { monospaceInput } from '../../../../../components/form/fields';
import { useBoundField, useShownText } from '../../../../../components/form/useBoundField';

const COUNT_OR_PERCENT = /^(\d+|\d+%)$/;

/**
 * A count or a percentage (`maxSurge: 1`, `maxUnavailable: 25%`): digits are stored as a number, a
 * percentage as text; empty removes the field.
 */
export function CountOrPercentField({ name, label, placeholder, description }: { name: string; label: string; placeholder?: string; description?: ReactNode }) {
  const { field, error, warning } = useBoundField(name, {
    validate: (value: unknown) =>
      value === undefined || value === null || value === '' || COUNT_OR_PERCENT.test(String(value)) ? true : 'Use a number such as 1 or a percentage such as 25%',
  });
  const [shown, setShown] = useShownText(field.value);
  return (
    <TextInput
      label={label}
      description={describe(description, warning)}
      placeholder={placeholder}
      name={field.name}
      ref={field.ref}
      value={shown}
      onChange={(event) => {
        const value = event.currentTarget.value.trim();
        setShown(value);
        field.onChange(value === '' ? undefined : /^\d+$/.test(value) ? Number(value) : value);
      }}
      onBlur={field.onBlur}
      error={error}
      styles={monospaceInput}
    />
  );
}

const isSet = (value: unknown) =>
  value !== undefined &&
  value !== null &&
  value !== '' &&
  !(Array.isArray(value) && value.length === 0) &&
  !(typeof value === 'object' && !Array.isArray(value) && Object.keys(value as object).length === 0);

/**
 * Settings most workloads leave alone, behind a toggle so the card stays short. Open from the start when
 * one of `paths` already holds a value, so nothing set is hidden.
 */
export function MoreSettings({ label, paths, children }: { label: string; paths: string[]; children: ReactNode }) {
  const values = useWatch({ name: paths }) as unknown[];
  const [open, setOpen] = useState(() => values.some(isSet));
  const id = useId();
  return (
    <Stack gap={4}>
      <Group>
        <Button
          variant="subtle"
          size="compact-sm"
          color="gray"
          leftSection={open ? <IconChevronDown size={14} /> : <IconChevronRight size={14} />}
          aria-expanded={open}
          aria-controls={id}
          onClick={() => setOpen(!open)}
        >
          {label}
        </Button>
      </Group>
      <div id={id}>{open && <Stack gap="sm">{children}</Stack>}</div>
    </Stack>
  );
}
