import { Autocomplete, TagsInput, type ComboboxData } from '@mantine/core';
import { monospaceInput } from './fields';
import { useBoundInput, useShownText, type BoundInputProps } from './useBoundField';

/**
 * A list of short strings offering common choices (verbs, resources, hosts) while still taking any typed
 * value. Clearing it removes the field unless `keepEmpty` (a required list is sent as `[]`). `emptyAs`
 * names the empty string where it is a real value (the core API group `""`), since a tag cannot be empty.
 * `onAdd` hears the values just added, for fields that follow from them.
 */
export function ChoiceListField({
  data,
  placeholder,
  emptyAs,
  keepEmpty = false,
  onAdd,
  ...props
}: BoundInputProps & {
  placeholder?: string;
  data: ComboboxData;
  emptyAs?: string;
  keepEmpty?: boolean;
  onAdd?: (added: string[]) => void;
}) {
  const { field, inputProps } = useBoundInput(props);
  const stored = Array.isArray(field.value) ? (field.value as string[]) : [];
  const shown = emptyAs === undefined ? stored : stored.map((value) => (value === '' ? emptyAs : value));
  return (
    <TagsInput
      {...inputProps}
      placeholder={placeholder}
      data={data}
      value={shown}
      onChange={(next) => {
        const values = emptyAs === undefined ? next : next.map((value) => (value === emptyAs ? '' : value));
        field.onChange(values.length === 0 && !keepEmpty ? undefined : values);
        const added = values.filter((value) => !stored.includes(value));
        if (added.length > 0) onAdd?.(added);
      }}
      styles={monospaceInput}
      comboboxProps={{ withinPortal: true }}
    />
  );
}

/**
 * One short string, typed or picked from what is known (the cluster's issuers, the app's roles). The
 * choices only help: a value outside them is kept, since the cluster or the app may not have it yet.
 * When `optional`, clearing it removes the field.
 */
export function SuggestField({
  data,
  placeholder,
  optional = false,
  ...props
}: BoundInputProps & { data: ComboboxData; optional?: boolean; placeholder?: string }) {
  const { field, inputProps } = useBoundInput(props);
  const [shown, setShown] = useShownText(field.value);
  return (
    <Autocomplete
      {...inputProps}
      placeholder={placeholder}
      data={data}
      value={shown}
      onChange={(value) => {
        setShown(value);
        field.onChange(optional && value === '' ? undefined : value);
      }}
      styles={monospaceInput}
      comboboxProps={{ withinPortal: true }}
    />
  );
}
