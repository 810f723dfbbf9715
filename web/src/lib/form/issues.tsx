import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { isWithin, type PathMessage } from './paths';

/**
 * What the server said about the form's current values: errors (a refused render or save) and
 * warnings (from the render), each at a form path. Bound fields read their own entry; the section
 * navigator counts the entries under each section.
 */
export interface FormIssues {
  errors: PathMessage[];
  warnings: PathMessage[];
}

const emptyIssues: FormIssues = { errors: [], warnings: [] };

const FormIssuesContext = createContext<FormIssues>(emptyIssues);

export function FormIssuesProvider({ issues, children }: { issues: FormIssues; children: ReactNode }) {
  return <FormIssuesContext.Provider value={issues}>{children}</FormIssuesContext.Provider>;
}

export function useFormIssues(): FormIssues {
  return useContext(FormIssuesContext);
}

/** The server's error and warning for exactly this field, if any. */
export function useFieldIssues(name: string): { error?: string; warning?: string } {
  const { errors, warnings } = useFormIssues();
  return useMemo(
    () => ({
      error: errors.find((issue) => issue.path === name)?.message,
      warning: warnings.find((issue) => issue.path === name)?.message,
    }),
    [errors, warnings, name],
  );
}

/** How many errors fall under any of `prefixes` (a section of the form). */
export function countWithin(issues: PathMessage[], prefixes: readonly string[]): number {
  return issues.filter((issue) => prefixes.some((prefix) => isWithin(issue.path, prefix))).length;
}
