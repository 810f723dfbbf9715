import { useEffect, useRef, useState } from 'react';
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
 * Renders `spec` on the server 250 ms after it last changed; an answer to an older spec is dropped.
 * Typing never waits on this: the form keeps its own state and the panel catches up.
 */
export function useLivePreview(spec: AppSpec, version: number): LivePreview {
  const [state, setState] = useState<LivePreview>({ result: null, errors: [], failure: null, warnings: [], pending: true });
  const latest = useRef(spec);
  latest.current = spec;

  useEffect(() => {
    const controller = new AbortController();
    setState((s) => (s.pending ? s : { ...s, pending: true }));
    const timer = window.setTimeout(async () => {
      try {
        const result = await renderSpec(latest.current, controller.signal);
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
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
  }, [version]);

  return state;
}
