import type { FieldValues, Path, UseFormSetError } from 'react-hook-form';
import { ApiError, errorMessage, sentence } from './http';

/** Where a form keeps an error that belongs to no single field (read as `errors.root?.server`). */
export const ROOT_ERROR = 'root.server' as const;

/**
 * Puts a failed submit's errors where the person will look: each server field error (422 `fields[]`,
 * 409 naming `username` or `email`) at the matching form field, anything else — a 401, a 429, a field
 * this form does not show — at the top of the form.
 *
 * `fieldMap` renames server paths that differ from the form's field names.
 */
export function applyServerErrors<T extends FieldValues>(
  error: unknown,
  setError: UseFormSetError<T>,
  formFields: readonly Path<T>[],
  fieldMap: Readonly<Record<string, Path<T>>> = {},
): void {
  const unplaced: string[] = [];
  let placed = 0;
  if (error instanceof ApiError) {
    for (const field of error.fields) {
      const target = fieldMap[field.path] ?? formFields.find((name) => name === field.path);
      if (target === undefined) {
        unplaced.push(sentence(`${field.path} ${field.message}`));
        continue;
      }
      setError(target, { type: 'server', message: sentence(field.message) }, { shouldFocus: placed === 0 });
      placed += 1;
    }
  }
  if (placed === 0) {
    setError(ROOT_ERROR, { type: 'server', message: [errorMessage(error), ...unplaced].join(' ') });
  } else if (unplaced.length > 0) {
    setError(ROOT_ERROR, { type: 'server', message: unplaced.join(' ') });
  }
}
