import { useState } from 'react';
import { useController, useFormContext, type FieldValues, type Path, type RegisterOptions } from 'react-hook-form';
import { sentence } from '../../lib/http';
import { useFieldIssues } from '../../lib/form/issues';

/**
 * The field at `name` of the surrounding form, with what to show under it: a client-side rule's error
 * first, then the server's error for the same path; the server's warning separately.
 */
export function useBoundField(name: string, rules?: RegisterOptions<FieldValues, Path<FieldValues>>) {
  const { control } = useFormContext();
  const { field, fieldState } = useController({ name, control, rules });
  const issues = useFieldIssues(name);
  const clientError = fieldState.error?.message;
  const error = clientError || (issues.error ? sentence(issues.error) : undefined);
  const warning = issues.warning ? sentence(issues.warning) : undefined;
  return { field, error, warning };
}

/**
 * The text an input shows for a field that clearing removes. react-hook-form reads a removed field as
 * its starting value, so the input would bring the old text back (and the next keystroke would land
 * on it); an emptied input stays empty until the field's value changes from elsewhere (a reset, the
 * YAML tab). Returns the text and the setter for what the person typed.
 */
export function useShownText(value: unknown): [string, (typed: string) => void] {
  const external = typeof value === 'string' || typeof value === 'number' ? String(value) : '';
  const [shown, setShown] = useState({ text: external, external });
  if (shown.external !== external) {
    setShown({ text: external, external });
    return [external, (typed) => setShown({ text: typed, external })];
  }
  return [shown.text, (typed) => setShown({ text: typed, external })];
}
