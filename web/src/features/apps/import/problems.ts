import type { FieldValues, Path, UseFormSetError } from 'react-hook-form';
import { ApiError, errorMessage, sentence } from '../../../lib/http';

/** One reason an import was refused, placed in the input: which document, and which field of it. */
export interface ImportProblem {
  /** 1-based, as a person counts the documents of a file; null when the problem is not in one. */
  document: number | null;
  /** The field path inside the document (or the request field, e.g. `namespace`); empty for the whole. */
  path: string;
  message: string;
}

const documentPath = /^documents\[(\d+)\]\.?(.*)$/;

/**
 * The server's 422 for an import names each problem as `documents[2].metadata.name` (or a request
 * field such as `namespace`); anything else (a network failure, a 413) is one problem for the whole.
 */
export function importProblems(error: unknown): ImportProblem[] {
  if (!(error instanceof ApiError) || error.fields.length === 0) {
    return [{ document: null, path: '', message: errorMessage(error) }];
  }
  return error.fields.map((field) => {
    const match = documentPath.exec(field.path);
    return match
      ? { document: Number(match[1]) + 1, path: match[2] ?? '', message: sentence(field.message) }
      : { document: null, path: field.path, message: sentence(field.message) };
  });
}

/**
 * Puts each problem with a request field this form shows (`namespace`, `name`, …) at that field, and
 * returns the others (those inside a document, or about the whole) to list above the form.
 */
export function placeImportError<T extends FieldValues>(
  error: unknown,
  fields: readonly Path<T>[],
  setError: UseFormSetError<T>,
): ImportProblem[] {
  return importProblems(error).filter((problem) => {
    const field = problem.document === null ? fields.find((name) => name === problem.path) : undefined;
    if (field === undefined) return true;
    setError(field, { type: 'server', message: problem.message });
    return false;
  });
}
