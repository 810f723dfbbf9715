import { Fieldset, Select, SimpleGrid, Stack } from '@mantine/core';
import { useState } from 'react';
import { useFormContext, useWatch } from 'react-hook-form';
import type { ContainerSpec } from '../../../../../api/appspec';
import { NumberField, StringListField, SwitchField, TextField } from '../../../../../components/form/fields';
import { EntryIssue } from '../networking/fields';
import { PortRefField } from './shared';

type Probe = NonNullable<ContainerSpec['readinessProbe']>;
type Handler = 'none' | 'httpGet' | 'tcpSocket' | 'exec';
export type ProbeKind = 'readinessProbe' | 'livenessProbe' | 'startupProbe';

const HANDLERS: { value: Handler; label: string }[] = [
  { value: 'none', label: 'Not checked' },
  { value: 'httpGet', label: 'HTTP GET' },
  { value: 'tcpSocket', label: 'TCP connection' },
  { value: 'exec', label: 'Command' },
];

const TITLES: Record<ProbeKind, { title: string; check: string; description: string }> = {
  readinessProbe: { title: 'Readiness probe', check: 'Readiness check', description: 'Traffic is sent only to ready pods.' },
  livenessProbe: { title: 'Liveness probe', check: 'Liveness check', description: 'A container failing it is restarted.' },
  startupProbe: { title: 'Startup probe', check: 'Startup check', description: 'Holds the other checks back until it passes once.' },
};

/** The handler the spec names, or null while none is set (its field cleared, only timings so far). */
function handlerOf(probe: Probe | null | undefined): Handler | null {
  if (!probe) return 'none';
  if (probe.httpGet) return 'httpGet';
  if (probe.tcpSocket !== undefined && probe.tcpSocket !== null) return 'tcpSocket';
  if (probe.exec) return 'exec';
  return null;
}

/**
 * The handler shown: the spec's, else the one last picked, so that clearing the port being retyped
 * keeps its field on screen. A probe with only timings shows HTTP, as the form always did.
 */
function useHandler(probe: Probe | null | undefined): [Handler, (next: Handler) => void] {
  const named = handlerOf(probe);
  const [chosen, setChosen] = useState<Handler>(named ?? 'httpGet');
  if (named !== null && named !== chosen) setChosen(named);
  return [named ?? chosen, setChosen];
}

const TIMINGS = ['initialDelaySeconds', 'periodSeconds', 'timeoutSeconds', 'failureThreshold', 'successThreshold'] as const;

/** One probe: how the container is checked (HTTP, TCP, a command) and how often. */
export function ProbeFields({ base, kind, portNames }: { base: string; kind: ProbeKind; portNames: string[] }) {
  const { setValue } = useFormContext();
  const at = `${base}.${kind}`;
  const probe = useWatch({ name: at }) as Probe | null | undefined;
  const [handler, setHandler] = useHandler(probe);
  const { title, check, description } = TITLES[kind];

  // Exactly one handler: switching replaces it and keeps the timings.
  const switchTo = (next: Handler) => {
    if (next === handler) return;
    setHandler(next);
    if (next === 'none') {
      setValue(at, undefined, { shouldDirty: true });
      return;
    }
    const timings = Object.fromEntries(TIMINGS.filter((key) => probe?.[key] !== undefined && probe?.[key] !== null).map((key) => [key, probe?.[key]]));
    const port = portNames[0] ?? 8080;
    const replaced: Probe =
      next === 'httpGet'
        ? { ...timings, httpGet: { path: '/', port } }
        : next === 'tcpSocket'
          ? { ...timings, tcpSocket: port }
          : { ...timings, exec: [] };
    setValue(at, replaced, { shouldDirty: true });
  };

  return (
    <Fieldset legend={title} variant="filled" p="sm">
      <Stack gap="sm">
        <Select
          label={check}
          description={description}
          data={HANDLERS}
          value={handler}
          allowDeselect={false}
          onChange={(next) => next && switchTo(next as Handler)}
          comboboxProps={{ withinPortal: true }}
        />
        <EntryIssue path={at} />
        {handler === 'httpGet' && (
          <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
            <TextField name={`${at}.httpGet.path`} label="Path" optional placeholder="/healthz" monospace />
            <PortRefField name={`${at}.httpGet.port`} label="Port (name or number)" portNames={portNames} />
            <div style={{ paddingTop: 30 }}>
              <SwitchField name={`${at}.httpGet.https`} label="HTTPS" />
            </div>
          </SimpleGrid>
        )}
        {handler === 'tcpSocket' && <PortRefField name={`${at}.tcpSocket`} label="Port (name or number)" portNames={portNames} />}
        {handler === 'exec' && <StringListField name={`${at}.exec`} label="Command to run" placeholder="Exit 0 is healthy" />}
        {handler !== 'none' && (
          <SimpleGrid cols={{ base: 2, sm: kind === 'readinessProbe' ? 5 : 4 }} spacing="sm">
            <NumberField name={`${at}.initialDelaySeconds`} label="Initial delay (seconds)" min={0} placeholder="0" />
            <NumberField name={`${at}.periodSeconds`} label="Every (seconds)" min={1} placeholder="10" />
            <NumberField name={`${at}.timeoutSeconds`} label="Timeout (seconds)" min={1} placeholder="1" />
            <NumberField name={`${at}.failureThreshold`} label="Failures allowed" min={1} placeholder="3" />
            {kind === 'readinessProbe' && <NumberField name={`${at}.successThreshold`} label="Successes needed" min={1} placeholder="1" />}
          </SimpleGrid>
        )}
      </Stack>
    </Fieldset>
  );
}

/** Readiness, liveness and startup probes. */
export function ProbesField({ base }: { base: string }) {
  const ports = (useWatch({ name: `${base}.ports` }) as ContainerSpec['ports']) ?? [];
  const portNames = ports.map((port) => port?.name).filter((name): name is string => !!name);
  return (
    <Stack gap="sm">
      <ProbeFields base={base} kind="readinessProbe" portNames={portNames} />
      <ProbeFields base={base} kind="livenessProbe" portNames={portNames} />
      <ProbeFields base={base} kind="startupProbe" portNames={portNames} />
    </Stack>
  );
}
