/**
 * The spec as sent to the server: fields the form cleared (undefined) are left out, and so is an object
 * whose every field was cleared (a readiness check whose path and port were emptied), so that clearing
 * a field never leaves behind a half-filled object the server would refuse. An object that was empty to
 * begin with (as typed in the YAML tab) stays.
 */
export function pruneCleared<T>(value: T): T {
  if (Array.isArray(value)) return value.map(pruneCleared) as T;
  if (value === null || typeof value !== 'object') return value;
  const result: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    if (child === undefined) continue;
    const pruned = pruneCleared(child);
    const clearedObject =
      pruned !== null &&
      typeof pruned === 'object' &&
      !Array.isArray(pruned) &&
      Object.keys(pruned).length === 0 &&
      Object.keys(child as object).length > 0;
    if (!clearedObject) result[key] = pruned;
  }
  return result as T;
}
