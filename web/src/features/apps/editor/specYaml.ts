import { dump, load } from 'js-yaml';
import type { AppSpec } from '../../../api/appspec';

/** Drops what the form leaves behind for "not set" (undefined) so the YAML shows only what is set. */
function clean(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(clean);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, clean(v)]),
  );
}

export function specToYaml(spec: AppSpec): string {
  return dump(clean(spec), { lineWidth: 120, noRefs: true, sortKeys: false });
}

export type YamlResult = { ok: true; spec: AppSpec } | { ok: false; message: string; line: number | null };

export type YamlRead =
  | { ok: true; value: unknown }
  | { ok: false; message: string; line: number | null; position: number | null };

/** Parses YAML text; a syntax error says its line and its offset in the text. */
export function readYaml(text: string): YamlRead {
  try {
    return { ok: true, value: load(text) };
  } catch (error) {
    const mark = (error as { mark?: { line?: number; position?: number } }).mark;
    const reason = (error as { reason?: string }).reason ?? 'the YAML cannot be read';
    return {
      ok: false,
      message: reason,
      line: typeof mark?.line === 'number' ? mark.line + 1 : null,
      position: typeof mark?.position === 'number' ? mark.position : null,
    };
  }
}

/**
 * Takes a parsed document as an AppSpec. Only the shape the form needs is checked here (a mapping
 * with a name); the server checks everything else and its messages land at their fields.
 */
export function specFromValue(value: unknown): YamlResult {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, message: 'an AppSpec is a mapping of fields, starting with name:', line: null };
  }
  if (typeof (value as Record<string, unknown>).name !== 'string') {
    return { ok: false, message: 'the AppSpec needs a name', line: null };
  }
  return { ok: true, spec: value as AppSpec };
}

/** Reads an AppSpec typed in the YAML tab. */
export function specFromYaml(text: string): YamlResult {
  const read = readYaml(text);
  if (!read.ok) return { ok: false, message: read.message, line: read.line };
  return specFromValue(read.value);
}
