/** A target as the server writes it, `kind:id` (`deployment:<uuid>`, `cluster:<uuid>`, `user:<uuid>`). */
export interface Target {
  kind: string;
  id: string;
}

export function parseTarget(target: string): Target {
  const colon = target.indexOf(':');
  if (colon <= 0) return { kind: '', id: target };
  return { kind: target.slice(0, colon), id: target.slice(colon + 1) };
}

/** Where a target can be seen in the app, when it has a page. */
export function targetHref({ kind, id }: Target): string | null {
  if (kind === 'deployment') return `/apps/${encodeURIComponent(id)}`;
  if (kind === 'cluster') return '/clusters';
  if (kind === 'user') return '/users';
  return null;
}

export const targetKindLabel: Record<string, string> = {
  deployment: 'Application',
  cluster: 'Cluster',
  user: 'User',
};

/** The last part of a dotted action (`deployment.admin_update` → `admin_update`). */
function verb(action: string): string {
  return action.slice(action.lastIndexOf('.') + 1);
}

/** A badge colour per kind of change: red removes, teal adds, violet touches the cluster. */
export function actionColor(action: string): string {
  const v = verb(action);
  if (v === 'delete') return 'red';
  if (v === 'create' || v === 'register' || v === 'import' || v === 'auto_register') return 'teal';
  if (v === 'deploy' || v === 'rollback') return 'violet';
  return 'blue';
}

/** One `key value` pair of an event's detail, flattened for a table cell. */
export interface DetailEntry {
  key: string;
  value: string;
  /** The whole value, when `value` shortens it (ids). */
  full?: string;
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An id as people compare them at a glance: its first eight characters. */
export function shortId(id: string): string {
  return uuid.test(id) ? `${id.slice(0, 8)}…` : id;
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.map(describe).join(', ');
  return JSON.stringify(value);
}

/**
 * The detail the server recorded with an event (its shape depends on the action), as pairs in the
 * order written. Keys whose value is null are left out: they say "not set", which the absence says too.
 */
export function detailEntries(detail: unknown, skip: readonly string[] = []): DetailEntry[] {
  if (detail === null || detail === undefined) return [];
  if (typeof detail !== 'object' || Array.isArray(detail)) return [{ key: 'detail', value: describe(detail) }];
  return Object.entries(detail as Record<string, unknown>)
    .filter(([key, value]) => value !== null && value !== undefined && !skip.includes(key))
    .map(([key, value]) => {
      const text = describe(value);
      const short = shortId(text);
      return short === text ? { key, value: text } : { key, value: short, full: text };
    });
}

/** The `name` an event's detail carries (deployments and clusters record theirs), if any. */
export function detailName(detail: unknown): string | null {
  if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) return null;
  const name = (detail as Record<string, unknown>).name;
  return typeof name === 'string' && name !== '' ? name : null;
}
