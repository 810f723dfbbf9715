import type { Location } from 'react-router';

/** The login URL that brings the person back to `location` afterwards. */
export function loginPathFor(location: Pick<Location, 'pathname' | 'search' | 'hash'>): string {
  const target = `${location.pathname}${location.search}${location.hash}`;
  if (target === '/' || target === '') return '/login';
  return `/login?next=${encodeURIComponent(target)}`;
}

/**
 * Where to go after signing in: the `next` parameter when it is a path on this site. Anything else
 * (another origin, `//host`, a scheme) would make the login page an open redirect, so it is ignored.
 */
export function safeNextPath(search: string): string {
  const next = new URLSearchParams(search).get('next');
  if (next === null || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  if (next === '/login' || next.startsWith('/login?') || next === '/logout') return '/';
  return next;
}
