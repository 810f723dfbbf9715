import { Autocomplete, Select, type ComboboxItem } from '@mantine/core';
import type { ReactNode } from 'react';
import { useWatch } from 'react-hook-form';
import type { AppSpec } from '../../../../../api/appspec';
import { describe } from '../../../../../components/form/FieldWarning';
import { monospaceInput } from '../../../../../components/form/fields';
import { useBoundField, useShownText } from '../../../../../components/form/useBoundField';

/** The workload path a container path belongs to: `workloads.0` for `workloads.0.containers.1`. */
export function workloadOf(base: string): string {
  return base.replace(/\.(initContainers|containers)\.\d+$/, '');
}

/** The keys `KEY=value` lines of a `.env` import add. */
function dotenvKeys(dotenv: string | null | undefined): string[] {
  if (!dotenv) return [];
  return dotenv
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#') && line.includes('='))
    .map((line) => line.replace(/^export\s+/, ''))
    .map((line) => line.slice(0, line.indexOf('=')).trim())
    .filter(Boolean);
}

export interface NamedKeys {
  name: string;
  keys: string[];
}

/** The app's ConfigMaps with the keys each holds. */
export function useConfigMaps(): NamedKeys[] {
  const configMaps = useWatch<AppSpec, 'configMaps'>({ name: 'configMaps' }) ?? [];
  return configMaps
    .filter((configMap) => configMap?.name)
    .map((configMap) => ({ name: configMap.name, keys: [...new Set([...Object.keys(configMap.data ?? {}), ...dotenvKeys(configMap.dotenv)])] }));
}

/** The app's Secrets with the keys each holds (the fixed keys of TLS and registry Secrets). */
export function useSecrets(): NamedKeys[] {
  const secrets = useWatch<AppSpec, 'secrets'>({ name: 'secrets' }) ?? [];
  return secrets
    .filter((secret) => secret?.name)
    .map((secret) => {
      const keys =
        secret.type === 'tls'
          ? ['tls.crt', 'tls.key']
          : secret.type === 'dockerConfigJson'
            ? ['.dockerconfigjson']
            : [...Object.keys(secret.data ?? {}), ...dotenvKeys(secret.dotenv)];
      return { name: secret.name, keys: [...new Set(keys)] };
    });
}

/** The app's PersistentVolumeClaim names. */
export function useClaimNames(): string[] {
  const claims = useWatch<AppSpec, 'persistentVolumeClaims'>({ name: 'persistentVolumeClaims' }) ?? [];
  return claims.map((claim) => claim?.name).filter(Boolean);
}

/** Select options from one label per value of a generated union type. */
export function options<T extends string>(labels: Record<T, string>): ComboboxItem[] {
  return Object.entries<string>(labels).map(([value, label]) => ({ value, label }));
}

/**
 * A port referred to by a container port name or a number: digits are stored as a number, as the
 * server reads a string as a port name. Offers the container's port names. Clearing removes the field.
 */
export function PortRefField({ name, label, portNames }: { name: string; label: string; portNames: string[] }) {
  const { field, error, warning } = useBoundField(name);
  const [shown, setShown] = useShownText(field.value);
  return (
    <Autocomplete
      label={label}
      description={describe(undefined, warning)}
      placeholder={portNames[0] ?? '8080'}
      name={field.name}
      ref={field.ref}
      data={portNames}
      value={shown}
      onChange={(typed) => {
        setShown(typed);
        const trimmed = typed.trim();
        field.onChange(trimmed === '' ? undefined : /^\d+$/.test(trimmed) ? Number(trimmed) : trimmed);
      }}
      onBlur={field.onBlur}
      error={error}
      styles={monospaceInput}
      comboboxProps={{ withinPortal: true }}
    />
  );
}

/** A yes / no setting that may be left to the Kubernetes default (unset). */
export function TriStateField({ name, label, description }: { name: string; label: string; description?: ReactNode }) {
  const { field, error, warning } = useBoundField(name);
  return (
    <Select
      label={label}
      description={describe(description, warning)}
      placeholder="Kubernetes default"
      name={field.name}
      ref={field.ref}
      data={[
        { value: 'true', label: 'Yes' },
        { value: 'false', label: 'No' },
      ]}
      value={field.value === true ? 'true' : field.value === false ? 'false' : null}
      clearable
      onChange={(next) => field.onChange(next === null ? undefined : next === 'true')}
      onBlur={field.onBlur}
      error={error}
      comboboxProps={{ withinPortal: true }}
    />
  );
}
