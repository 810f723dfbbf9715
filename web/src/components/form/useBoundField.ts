import { useState } from 'react';
import type { ReactNode } from 'react';
import { useController, useFormContext, type FieldValues, type Path, type RegisterOptions } from 'react-hook-form';
import { sentence } from '../../lib/http';
import { useFieldIssues } from '../../lib/form/issues';
import { describe } from './FieldWarning';

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

/** What a bound input is told about: its path, and the words around it. */
export interface BoundInputProps {
  /** The form path, e.g. `workloads.0.containers.1.image`. */
  name: string;
  label: string;
  description?: ReactNode;
  required?: boolean;
}

/**
 * The field at `props.name` and the props every bound input takes alike: its label, its description
 * followed by the server's warning, whether it is required, the field's name, ref and blur, and the
 * error to show.
 */
export function useBoundInput(props: BoundInputProps, rules?: RegisterOptions<FieldValues, Path<FieldValues>>) {
  const { field, error, warning } = useBoundField(props.name, rules);
  const inputProps = {
    label: props.label,
    description: describe(props.description, warning),
    required: props.required,
    name: field.name,
    ref: field.ref,
    onBlur: field.onBlur,
    error,
  };
  return { field, inputProps };
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
