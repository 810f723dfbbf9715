import type { AppSpec } from '../../../api/appspec';

/**
 * An imported spec travels to the new-application editor in the history entry's state (kept across a
 * reload, never in the URL: it can be large and hold Secret values).
 */
interface ImportedState {
  importedSpec: AppSpec;
}

export function importedState(spec: AppSpec): ImportedState {
  return { importedSpec: spec };
}

export function importedSpecOf(state: unknown): AppSpec | null {
  if (typeof state !== 'object' || state === null || !('importedSpec' in state)) return null;
  const spec = (state as Partial<ImportedState>).importedSpec;
  return typeof spec === 'object' && spec !== null ? spec : null;
}
