import { NumberInput, PasswordInput, Select, Switch, TagsInput, TextInput, type ComboboxItem } from '@mantine/core';
import { useBoundInput, useShownText, type BoundInputProps } from './useBoundField';

/** Code-like values (names, images, quantities) in the monospace font; the label keeps the UI font. */
export const monospaceInput = { input: { fontFamily: 'var(--mantine-font-family-monospace)' } };


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
}: BoundInputProps & { optional?: boolean; placeholder?: string; monospace?: boolean; secret?: boolean }) {
  const { field, inputProps } = useBoundInput(props);
  const [shown, setShown] = useShownText(field.value);
  const Input = secret ? PasswordInput : TextInput;
  return (
    <Input
      {...inputProps}
      placeholder={placeholder}
      value={shown}
      onChange={(event) => {
        const value = event.currentTarget.value;
        setShown(value);
        field.onChange(optional && value === '' ? undefined : value);
      }}
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
}: BoundInputProps & { min?: number; max?: number; placeholder?: string }) {
  const { field, inputProps } = useBoundInput(props);
  const [shown, setShown] = useShownText(field.value);
  return (
    <NumberInput
      {...inputProps}
      placeholder={placeholder}
      min={min}
      max={max}
      allowDecimal={false}
      value={shown === '' ? '' : Number(shown)}
      onChange={(value) => {
        setShown(typeof value === 'number' ? String(value) : '');
        field.onChange(typeof value === 'number' ? value : undefined);
      }}
    />
  );
}

/** One of a fixed list; `clearable` lets the person go back to the server's default. */
export function SelectField({
  data,
  clearable = false,
  placeholder,
  ...props
}: BoundInputProps & { data: (string | ComboboxItem)[]; clearable?: boolean; placeholder?: string }) {
  const { field, inputProps } = useBoundInput(props);
  return (
    <Select
      {...inputProps}
      placeholder={placeholder}
      data={data}
      clearable={clearable}
      allowDeselect={clearable}
      value={typeof field.value === 'string' ? field.value : null}
      onChange={(value) => field.onChange(value ?? undefined)}
      comboboxProps={{ withinPortal: true }}
    />
  );
}

export function SwitchField(props: BoundInputProps) {
  const { field, inputProps } = useBoundInput(props);
  return (
    <Switch
      {...inputProps}
      checked={field.value === true}
      onChange={(event) => field.onChange(event.currentTarget.checked)}
    />
  );
}

/** A list of short strings (command, arguments, access modes), entered one by one. */
export function StringListField({ placeholder, ...props }: BoundInputProps & { placeholder?: string }) {
  const { field, inputProps } = useBoundInput(props);
  const value = Array.isArray(field.value) ? (field.value as string[]) : [];
  return (
    <TagsInput
      {...inputProps}
      placeholder={placeholder}
      value={value}
      onChange={(next) => field.onChange(next.length === 0 ? undefined : next)}
    />
  );
}

// Kubernetes quantities: a decimal number with an optional SI or binary suffix (250m, 1.5, 512Mi, 2G).
export const QUANTITY = /^[+]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

/** A resource quantity (CPU, memory, storage), checked as it is typed; empty removes it. */
export function QuantityField({ placeholder, ...props }: BoundInputProps & { placeholder?: string }) {
  const { field, inputProps } = useBoundInput(props, {
    validate: (value: unknown) =>
      value === undefined || value === null || value === '' || QUANTITY.test(String(value))
        ? true
        : 'Use a quantity such as 250m, 1, 512Mi or 2Gi',
  });
  const [shown, setShown] = useShownText(field.value);
  return (
    <TextInput
      {...inputProps}
      placeholder={placeholder}
      value={shown}
      onChange={(event) => {
        const value = event.currentTarget.value.trim();
        setShown(value);
        field.onChange(value === '' ? undefined : value);
      }}
      styles={monospaceInput}
    />
  );
}
