import type { AppSpec } from '../../../api/appspec';

/**
 * Unsaved editor input, kept in localStorage per application ("new" for one not yet saved) so that a
 * reload or a closed tab loses nothing. `basedOn` is the revision an edit started from.
 */
export interface Draft {
  spec: AppSpec;
  clusterId: string | null;
  basedOn: number | null;
  savedAt: string;
}

const prefix = 'kubechart.draft.';

export function readDraft(key: string): Draft | null {
  try {
    const raw = window.localStorage.getItem(prefix + key);
    if (raw === null) return null;
    const draft = JSON.parse(raw) as Partial<Draft>;
    if (draft.spec === undefined || typeof draft.spec !== 'object') return null;
    return {
      spec: draft.spec,
      clusterId: draft.clusterId ?? null,
      basedOn: draft.basedOn ?? null,
      savedAt: draft.savedAt ?? '',
    };
  } catch {
    return null;
  }
}

export function writeDraft(key: string, draft: Omit<Draft, 'savedAt'>): void {
  try {
    window.localStorage.setItem(prefix + key, JSON.stringify({ ...draft, savedAt: new Date().toISOString() }));
  } catch {
    // Storage full or disabled: the draft is a convenience, the form still works.
  }
}

export function clearDraft(key: string): void {
  window.localStorage.removeItem(prefix + key);
}
