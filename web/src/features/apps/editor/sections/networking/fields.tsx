import { Autocomplete, Select, Stack, Text, type ComboboxItem } from '@mantine/core';
import { useFormContext, useWatch } from 'react-hook-form';
import type { Picker } from '../../../../../api/types';
import { useClusterStatus } from '../../../../../api/clusters';
import { monospaceInput, SelectField, TextField } from '../../../../../components/form/fields';
import { describe } from '../../../../../components/form/FieldWarning';
import { useBoundField } from '../../../../../components/form/useBoundField';
import { useFormIssues } from '../../../../../lib/form/issues';
import { sentence } from '../../../../../lib/http';
import { servicePortName, useContainerPortNames, useServicePorts, useServices } from './refs';

/**
 * Select options from one label per value of a generated union type: a value the schema gains fails to
 * compile here until it has a label.
 */
export function options<T extends string>(labels: Record<T, string>): ComboboxItem[] {
  return Object.entries<string>(labels).map(([value, label]) => ({ value, label }));
}

/** One list the cluster offers (its Gateways, its ingress classes), and why it is empty when it is. */
export interface ClusterChoices {
  picker: Picker | undefined;
  hint: string | undefined;
}

export function useClusterChoices(
  clusterId: string | null | undefined,
  list: 'gateways' | 'ingressClasses',
  what: string,
): ClusterChoices {
  const picker = useClusterStatus(clusterId).data?.pickers[list];
  const hint = picker?.reason ?? (clusterId ? undefined : `Pick the cluster in Basics to choose from its ${what}.`);
  return { picker, hint };
}

/**
 * The server's messages about a whole entry or list rather than one field (a route without parents, a
 * peer that selects nothing), shown where the entry is. With `items`, instead those about the entries of
 * a list of strings (hostnames, CIDRs): one input holds the list and shows the messages about it.
 */
export function EntryIssue({ path, items = false }: { path: string; items?: boolean }) {
  const { errors } = useFormIssues();
  const messages = errors.filter(
    items
      ? (issue) => issue.path.startsWith(`${path}.`) && /^\d+$/.test(issue.path.slice(path.length + 1))
      : (issue) => issue.path === path,
  );
  if (messages.length === 0) return null;
  return (
    <Stack gap={2}>
      {messages.map((issue, index) => (
        <Text key={`${issue.path}:${index}`} size="sm" c="var(--mantine-color-error)">
          {sentence(issue.message)}
        </Text>
      ))}
    </Stack>
  );
}

/**
 * A cluster-scoped name (an ingress class) picked from what the cluster has; typed when the cluster's
 * list is not available. A name the cluster does not list stays selectable so it is never lost.
 */
export function PickedNameField({ name, label, choices }: { name: string; label: string; choices: ClusterChoices }) {
  const current = useWatch({ name }) as string | null | undefined;
  const items = choices.picker?.items ?? [];
  const fallback = items.find((item) => item.isDefault)?.name ?? 'cluster default';
  if (items.length === 0) return <TextField name={name} label={label} optional placeholder="cluster default" description={choices.hint} />;
  const names = items.map((item) => item.name);
  return (
    <SelectField
      name={name}
      label={label}
      data={current && !names.includes(current) ? [...names, current] : names}
      clearable
      placeholder={fallback}
    />
  );
}

/**
 * The Gateway an HTTPRoute attaches to, picked from the cluster's Gateways: picking one sets both its
 * name and its namespace. Typed when the cluster's list is not available.
 */
export function GatewayField({ base, label, choices }: { base: string; label: string; choices: ClusterChoices }) {
  const { setValue } = useFormContext();
  const { field, error, warning } = useBoundField(`${base}.name`);
  const [namespace, appNamespace] = useWatch({ name: [`${base}.namespace`, 'namespace'] }) as [
    string | null | undefined,
    string | undefined,
  ];
  const items = choices.picker?.items ?? [];
  if (items.length === 0) return <TextField name={`${base}.name`} label={label} required monospace description={choices.hint} />;

  const key = (ns: string | null | undefined, gateway: string) => `${ns ?? ''}/${gateway}`;
  const data: ComboboxItem[] = items.map((item) => ({ value: key(item.namespace, item.name), label: `${item.name} (${item.namespace ?? 'cluster'})` }));
  const name = typeof field.value === 'string' ? field.value : '';
  const selected = name === '' ? null : key(namespace || appNamespace, name);
  if (selected !== null && !data.some((option) => option.value === selected))
    data.push({ value: selected, label: `${name} (${namespace || appNamespace || 'the app namespace'})` });
  return (
    <Select
      label={label}
      required
      description={describe(undefined, warning)}
      placeholder="Pick a Gateway"
      name={field.name}
      ref={field.ref}
      data={data}
      searchable
      value={selected}
      onChange={(value) => {
        const item = items.find((candidate) => key(candidate.namespace, candidate.name) === value);
        if (!item) return;
        field.onChange(item.name);
        setValue(`${base}.namespace`, item.namespace ?? undefined, { shouldDirty: true });
      }}
      onBlur={field.onBlur}
      error={error}
      comboboxProps={{ withinPortal: true }}
    />
  );
}

/**
 * The certificate (of this app, under TLS) whose secret serves an Ingress or HTTPRoute; typed while the
 * app has none, so that one can be named before it is added.
 */
export function CertificateField({ name, label, description }: { name: string; label: string; description?: string }) {
  const certificates = useWatch({ name: 'certificates' }) as { name?: string }[] | undefined;
  const current = useWatch({ name }) as string | null | undefined;
  const names = [...new Set((certificates ?? []).map((c) => c.name).filter((n): n is string => Boolean(n)))];
  if (names.length === 0)
    return <TextField name={name} label={label} optional monospace placeholder="none yet: add one under TLS" description={description} />;
  return (
    <SelectField
      name={name}
      label={label}
      description={description}
      data={current && !names.includes(current) ? [...names, current] : names}
      clearable
      placeholder="no certificate"
    />
  );
}

/** The Service a path or backend sends traffic to, from the app's Services. */
export function ServiceField({ name, label }: { name: string; label: string }) {
  const services = useServices();
  const current = useWatch({ name }) as string | null | undefined;
  const names = [...new Set(services.map((s) => s.name))];
  const placeholder =
    services.length === 0 ? 'Add a Service first' : services.length === 1 ? `${services[0]!.name} (the only Service)` : 'Pick a Service';
  return (
    <SelectField
      name={name}
      label={label}
      data={current && !names.includes(current) ? [...names, current] : names}
      clearable
      placeholder={placeholder}
    />
  );
}

/**
 * A port of the Service named at `service`, by its name when it has one (so that renumbering the port
 * keeps the reference), else by number. Cleared, the Service's first port is used.
 */
export function ServicePortField({ name, label, service }: { name: string; label: string; service: string }) {
  const serviceName = useWatch({ name: service }) as string | null | undefined;
  const ports = useServicePorts(serviceName);
  const { field, error, warning } = useBoundField(name);
  const refs = new Map<string, string | number>();
  const data: ComboboxItem[] = ports.map((port) => {
    const portName = servicePortName(port);
    const value = portName ?? String(port.port);
    refs.set(value, portName ?? port.port);
    return { value, label: portName ? `${portName} (${port.port})` : String(port.port) };
  });
  const current: unknown = field.value;
  let selected: string | null = null;
  if (typeof current === 'number' || typeof current === 'string') {
    const match = ports.find((port) => port.port === Number(current) || servicePortName(port) === current);
    selected = match ? (servicePortName(match) ?? String(match.port)) : String(current);
    if (!match) data.push({ value: selected, label: selected });
  }
  return (
    <Select
      label={label}
      description={describe(undefined, warning)}
      placeholder={ports.length === 0 ? 'No ports' : 'first port'}
      name={field.name}
      ref={field.ref}
      data={data}
      clearable
      allowDeselect
      value={selected}
      onChange={(value) => field.onChange(value === null ? undefined : (refs.get(value) ?? value))}
      onBlur={field.onBlur}
      error={error}
      comboboxProps={{ withinPortal: true }}
    />
  );
}

/**
 * A port by number or by container port name: digits are stored as a number, anything else as a name.
 * The port is required, so an emptied field stays an empty name for the server to point at.
 */
export function PortRefField({ name, label }: { name: string; label: string }) {
  const { field, error, warning } = useBoundField(name);
  const suggestions = useContainerPortNames();
  return (
    <Autocomplete
      label={label}
      required
      description={describe(undefined, warning)}
      placeholder="8080 or http"
      name={field.name}
      ref={field.ref}
      data={suggestions}
      value={typeof field.value === 'number' || typeof field.value === 'string' ? String(field.value) : ''}
      onChange={(text) => {
        const value = text.trim();
        field.onChange(/^\d+$/.test(value) ? Number(value) : value);
      }}
      onBlur={field.onBlur}
      error={error}
      styles={monospaceInput}
      comboboxProps={{ withinPortal: true }}
    />
  );
}
