import { useCallback, useContext, useEffect, useRef, useState } from 'react';
import { UNSAFE_NavigationContext, useLocation, type To } from 'react-router';

/** What a page with unsaved changes needs to ask before it is left. */
export interface LeaveGuard {
  /**
   * Whether there are unsaved changes. Read at the moment of a navigation, so a save that clears it
   * and navigates in the same breath (to the review) leaves without a question.
   */
  setDirty: (dirty: boolean) => void;
  /** An in-app navigation is waiting for the person's answer. */
  asking: boolean;
  /** Stay on the page: the navigation is dropped. */
  stay: () => void;
  /** Go where the navigation was going. */
  leave: () => void;
}

function pathnameOf(to: To): string | undefined {
  if (typeof to !== 'string') return to.pathname;
  return new URL(to, window.location.href).pathname;
}

/**
 * Asks before a page with unsaved changes is left: the browser's own prompt when the tab is closed or
 * reloaded (`beforeunload`), and the caller's dialog (`asking`, `stay`, `leave`) for in-app navigation.
 *
 * The app runs under a declarative `<BrowserRouter>`, where react-router's `useBlocker` is unavailable
 * (it needs a data router). In-app navigation is caught where every `<Link>`, `<Navigate>` and
 * `navigate()` ends: the router's navigator, whose `push` and `replace` are wrapped while this page is
 * mounted. Only a change of path is held: a new query string or history state stays on the page. The
 * browser's Back and Forward buttons are not held (the declarative router learns of them after the fact).
 */
export function useLeaveGuard(): LeaveGuard {
  const { navigator } = useContext(UNSAFE_NavigationContext);
  const { pathname } = useLocation();
  const dirty = useRef(false);
  const here = useRef(pathname);
  const held = useRef<(() => void) | null>(null);
  const [asking, setAsking] = useState(false);

  useEffect(() => {
    here.current = pathname;
  }, [pathname]);

  useEffect(() => {
    const warn = (event: BeforeUnloadEvent) => {
      if (dirty.current) event.preventDefault();
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, []);

  useEffect(() => {
    const { push, replace } = navigator;
    const hold =
      (go: typeof push): typeof push =>
      (to, state, options) => {
        if (!dirty.current || pathnameOf(to) === here.current) {
          go(to, state, options);
          return;
        }
        held.current = () => go(to, state, options);
        setAsking(true);
      };
    navigator.push = hold(push);
    navigator.replace = hold(replace);
    return () => {
      navigator.push = push;
      navigator.replace = replace;
    };
  }, [navigator]);

  const setDirty = useCallback((value: boolean) => {
    dirty.current = value;
  }, []);

  const stay = useCallback(() => {
    held.current = null;
    setAsking(false);
  }, []);

  const leave = useCallback(() => {
    const go = held.current;
    held.current = null;
    setAsking(false);
    go?.();
  }, []);

  return { setDirty, asking, stay, leave };
}
