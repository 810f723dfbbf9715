import { load } from 'js-yaml';

export interface KubeconfigContexts {
  contexts: string[];
  current: string | null;
}

/**
 * The context names of a pasted kubeconfig, read in the browser so that the person can pick one before
 * anything is sent. Anything that is not a readable kubeconfig gives no contexts; the server explains
 * what is wrong with it when it is submitted.
 */
export function readContexts(text: string): KubeconfigContexts {
  let document: unknown;
  try {
    document = load(text);
  } catch {
    return { contexts: [], current: null };
  }
  if (document === null || typeof document !== 'object') return { contexts: [], current: null };
  const { contexts, 'current-context': current } = document as Record<string, unknown>;
  const names = Array.isArray(contexts)
    ? contexts
        .map((entry: unknown) =>
          entry !== null && typeof entry === 'object' ? (entry as Record<string, unknown>).name : undefined,
        )
        .filter((name): name is string => typeof name === 'string' && name !== '')
    : [];
  return { contexts: names, current: typeof current === 'string' && names.includes(current) ? current : null };
}
