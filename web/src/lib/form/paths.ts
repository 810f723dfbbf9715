/**
 * The server names a field of the AppSpec the way serde does (`workloads[0].containers[1].image`);
 * react-hook-form names the same field with dots only (`workloads.0.containers.1.image`). Every place
 * that shows a server message at a field goes through these two functions.
 */
export function toFormPath(serverPath: string): string {
  return serverPath
    .replace(/\[(\d+)\]/g, '.$1')
    .replace(/\["([^"]*)"\]/g, '.$1')
    .replace(/^\./, '');
}

/** The reverse of `toFormPath`, for showing a form field's path the way the server writes it. */
export function toServerPath(formPath: string): string {
  return formPath.replace(/\.(\d+)(?=\.|$)/g, '[$1]');
}

/** Whether `path` is `prefix` itself or a field below it (`workloads.0` covers `workloads.0.name`). */
export function isWithin(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}.`);
}

export interface PathMessage {
  /** A form path (`workloads.0.replicas`), or empty when the message belongs to the whole spec. */
  path: string;
  message: string;
}

/**
 * A render warning as the server writes it, `workloads[0].replicas: a single replica is …`, split into
 * the field it is about and the message. A warning without a path belongs to the whole spec.
 */
export function parseWarning(warning: string): PathMessage {
  const match = /^([A-Za-z_][\w]*(?:\[\d+\]|\.[A-Za-z_][\w]*)*): (.+)$/s.exec(warning);
  if (match === null) return { path: '', message: warning };
  return { path: toFormPath(match[1]!), message: match[2]! };
}
