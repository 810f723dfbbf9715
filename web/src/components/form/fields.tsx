import { NumberInput, PasswordInput, Select, Switch, TagsInput, TextInput, type ComboboxItem } from '@mantine/core';
import type { ReactNode } from 'react';
import { describe } from './FieldWarning';
import { useBoundField, useShownText } from './useBoundField';

/** Code-like values (names, images, quantities) in the monospace font; the label keeps the UI font. */
export const monospaceInput = { input: { fontFamily: 'var(--mantine-font-family-monospace)' } };

interface BaseProps {
  /** The form path, e.g. `workloads.0.containers.1.image`. */
  name: string;
  label: string;
  description?: ReactNode;
  required?: boolean;
}

/**
 * Text; when `optional`, clearing it removes the field instead of sending an empty string. A `secret`
 * value is hidden until the person asks to see it.
 */
export function TextField({
  optional = false,
  placeholder,
  monospace = false,
  secret = false,
  ...props
}: BaseProps & { optional?: boolean; placeholder?: string; monospace?: boolean; secret?: boolean }) {
  const { field, error, warning } = useBoundField(props.name);
  const [shown, setShown] = useShownText(field.value);
  const Input = secret ? PasswordInput : TextInput;
  return (
    <Input
      label={props.label}
      description={describe(props.description, warning)}
      required={props.required}
      placeholder={placeholder}
      name={field.name}
      ref={field.ref}
      value={shown}
      onChange={(event) => {
        const value = event.currentTarget.value;
        setShown(value);
        field.onChange(optional && value === '' ? undefined : value);
      }}
      onBlur={field.onBlur}
      error={error}
      styles={monospace ? monospaceInput : undefined}
    />
  );
}

/** A whole number; clearing it removes the field so that the server's default applies. */
export function NumberField({
  min,
  max,
  placeholder,
  ...props
}: BaseProps & { min?: number; max?: number; placeholder?: string }) {
  const { field, error, warning } = useBoundField(props.name);
  const [shown, setShown] = useShownText(field.value);
  return (
    <NumberInput
      label={props.label}
      description={describe(props.description, warning)}
      required={props.required}
      placeholder={placeholder}
      name={field.name}
      ref={field.ref}
      min={min}
      max={max}
      allowDecimal={false}
      value={shown === '' ? '' : Number(shown)}
      onChange={(value) => {
        setShown(typeof value === 'number' ? String(value) : '');
        field.onChange(typeof value === 'number' ? value : undefined);
      }}
      onBlur={field.onBlur}
      error={error}
    />
  );
}

/** One of a fixed list; `clearable` lets the person go back to the server's default. */
export function SelectField({
  data,
  clearable = false,
  placeholder,
  ...props
}: BaseProps & { data: (string | ComboboxItem)[]; clearable?: boolean; placeholder?: string }) {
  const { field, error, warning } = useBoundField(props.name);
  return (
    <Select
      label={props.label}
      description={describe(props.description, warning)}
      required={props.required}
      placeholder={placeholder}
      name={field.name}
      ref={field.ref}
      data={data}
      clearable={clearable}
      allowDeselect={clearable}
      value={typeof field.value === 'string' ? field.value : null}
      onChange={(value) => field.onChange(value ?? undefined)}
      onBlur={field.onBlur}
      error={error}
      comboboxProps={{ withinPortal: true }}
    />
  );
}

export function SwitchField(props: BaseProps) {
  const { field, error, warning } = useBoundField(props.name);
  return (
    <Switch
      label={props.label}
      description={describe(props.description, warning)}
      name={field.name}
      ref={field.ref}
      checked={field.value === true}
      onChange={(event) => field.onChange(event.currentTarget.checked)}
      onBlur={field.onBlur}
      error={error}
    />
  );
}

/** A list of short strings (command, arguments, access modes), entered one by one. */
export function StringListField({ placeholder, ...props }: BaseProps & { placeholder?: string }) {
  const { field, error, warning } = useBoundField(props.name);
  const value = Array.isArray(field.value) ? (field.value as string[]) : [];
  return (
    <TagsInput
      label={props.label}
      description={describe(props.description, warning)}
      placeholder={placeholder}
      name={field.name}
      ref={field.ref}
      value={value}
      onChange={(next) => field.onChange(next.length === 0 ? undefined : next)}
      onBlur={field.onBlur}
      error={error}
    />
  );
}

// Kubernetes quantities: a decimal number with an optional SI or binary suffix (250m, 1.5, 512Mi, 2G).
export const QUANTITY = /^[+]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

/** A resource quantity (CPU, memory, storage), checked as it is typed; empty removes it. */
export function QuantityField({ placeholder, ...props }: BaseProps & { placeholder?: string }) {
  const { field, error, warning } = useBoundField(props.name, {
    validate: (value: unknown) =>
      value === undefined || value === null || value === '' || QUANTITY.test(String(value))
        ? true
        : 'Use a quantity such as 250m, 1, 512Mi or 2Gi',
  });
  const [shown, setShown] = useShownText(field.value);
  return (
    <TextInput
      label={props.label}
      description={describe(props.description, warning)}
      required={props.required}
      placeholder={placeholder}
      name={field.name}
      ref={field.ref}
      value={shown}
      onChange={(event) => {
        const value = event.currentTarget.value.trim();
        setShown(value);
        field.onChange(value === '' ? undefined : value);
      }}
      onBlur={field.onBlur}
      error={error}
      styles={monospaceInput}
    />
  );
}
