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
