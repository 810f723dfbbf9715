import { useCallback, useEffect, useRef, useState } from 'react';
import type { AppSpec } from '../../../api/appspec';
import type { RenderResponse } from '../../../api/types';
import { ApiError, errorMessage } from '../../../lib/http';
import { parseWarning, toFormPath, type PathMessage } from '../../../lib/form/paths';
import { renderSpec } from '../api/render';

export interface LivePreview {
  /** The last successful render; kept while a newer spec is refused so the panel does not go blank. */
  result: RenderResponse | null;
  /** The newest spec was refused: its field errors, and the message for the whole spec. */
  errors: PathMessage[];
  failure: string | null;
  warnings: PathMessage[];
  pending: boolean;
}

const DEBOUNCE_MS = 250;

/**
 * Renders the spec on the server 250 ms after it last changed; an answer to an older spec is dropped.
 * Typing never waits on this, and does not re-render the editor: only the start of a wait and each
 * answer change state. `refresh()` asks again at once (after the spec was replaced wholesale).
 */
export function useLivePreview(read: () => AppSpec): LivePreview & { refresh: () => void } {
  const [state, setState] = useState<LivePreview>({ result: null, errors: [], failure: null, warnings: [], pending: true });
  const timer = useRef<number | undefined>(undefined);
  const inFlight = useRef<AbortController | null>(null);
  const readRef = useRef(read);
  readRef.current = read;

  const refresh = useCallback(() => {
    window.clearTimeout(timer.current);
    inFlight.current?.abort();
    setState((s) => (s.pending ? s : { ...s, pending: true }));
    timer.current = window.setTimeout(async () => {
      const controller = new AbortController();
      inFlight.current = controller;
      try {
        const result = await renderSpec(readRef.current(), controller.signal);
        setState({ result, errors: [], failure: null, warnings: result.warnings.map(parseWarning), pending: false });
      } catch (error) {
        if (controller.signal.aborted) return;
        const fields = error instanceof ApiError ? error.fields : [];
        setState((s) => ({
          result: s.result,
          errors: fields.map((field) => ({ path: toFormPath(field.path), message: field.message })),
          failure: fields.length === 0 ? errorMessage(error) : null,
          warnings: [],
          pending: false,
        }));
      }
    }, DEBOUNCE_MS);
  }, []);

  useEffect(() => {
    refresh();
    return () => {
      window.clearTimeout(timer.current);
      inFlight.current?.abort();
    };
  }, [refresh]);

  return { ...state, refresh };
}
