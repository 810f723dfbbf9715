import { Paper, Skeleton, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState, type CSSProperties, type KeyboardEvent } from 'react';
import type { AppSpec } from '../../../api/appspec';
import { objectWith } from '../../../api/schemas';
import type { Deployment, Revision } from '../../../api/types';
import { Loading } from '../../../components/ui/Loading';
import { apiRequest, errorMessage } from '../../../lib/http';
import { deploymentQueryKey } from '../api/deployments';
import { useResources } from '../api/live';
import { healthLooks } from './HealthBadge';
import classes from './ResourceMap.module.css';
import { buildResourceMap, layoutResourceMap, type MapTarget, type PlacedNode } from './resourceMap';

/** Shorter words for the long kinds, so that kind and health fit on a node's first line. */
const shortKinds: Record<string, string> = {
  HorizontalPodAutoscaler: 'Autoscaler',
  PodDisruptionBudget: 'Disruption budget',
  PersistentVolumeClaim: 'Volume claim',
  PersistentVolume: 'Volume',
  BackendTrafficPolicy: 'Rate limit',
  VolumeClaimTemplate: 'Claim template',
};

/** Words for the accessible name and tooltip where the kind alone says little. */
const spokenKinds: Record<string, string> = {
  BackendTrafficPolicy: 'BackendTrafficPolicy (rate limit)',
  VolumeClaimTemplate: 'Volume claim template',
  Pods: 'Pods:',
};

function truncate(text: string, chars: number): string {
  return text.length <= chars ? text : `${text.slice(0, Math.max(chars - 1, 1))}…`;
}

/** The spec the applied objects were rendered from: the deployment's own, or the applied revision's when newer edits wait. */
function useAppliedSpec(deployment: Deployment, applied: number | null | undefined) {
  const other = applied !== null && applied !== undefined && applied !== deployment.revision;
  const revision = useQuery({
    queryKey: [...deploymentQueryKey(deployment.id), 'revision', applied],
    queryFn: ({ signal }) =>
      apiRequest(`/api/v1/deployments/${encodeURIComponent(deployment.id)}/revisions/${applied}`, {
        schema: objectWith<Revision>('spec', 'number'),
        signal,
      }),
    enabled: other,
    staleTime: Infinity,
  });
  if (!other) return deployment.spec as unknown as AppSpec;
  // Until the applied revision is read (or if it cannot be), the current spec draws nearly the same links.
  return (revision.data?.spec ?? deployment.spec) as unknown as AppSpec;
}

function MapNodeView({
  placed,
  onSelect,
  onActive,
}: {
  placed: PlacedNode;
  onSelect: (target: MapTarget) => void;
  onActive: (id: string | null) => void;
}) {
  const { node, x, y, width, height } = placed;
  const look = healthLooks[node.health.state];
  const outline = node.health.state === 'Untracked';
  const spoken = spokenKinds[node.kind] ?? node.kind;
  const label = `${spoken} ${node.name}, ${look.label}${node.health.reason ? `: ${node.health.reason}` : ''}`;
  const pillWidth = Math.round(look.label.length * 6.1 + 14);
  const kindChars = Math.floor((width - 14 - pillWidth - 12) / 5.4);
  const nameChars = Math.floor((width - 22) / 7.3);
  const select = () => onSelect(node.target);
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      select();
    }
  };
  return (
    <g
      className={`${classes.node} ${node.health.state === 'Failed' || node.health.state === 'NotFound' ? classes.failed : ''}`}
      transform={`translate(${x},${y})`}
      style={{ '--health': `var(--mantine-color-${look.color}-filled)` } as CSSProperties}
      role="button"
      tabIndex={0}
      aria-label={label}
      data-node={node.id}
      data-health={node.health.state}
      onClick={select}
      onKeyDown={onKeyDown}
      onMouseEnter={() => onActive(node.id)}
      onMouseLeave={() => onActive(null)}
      onFocus={() => onActive(node.id)}
      onBlur={() => onActive(null)}
    >
      <title>{label}</title>
      <rect className={classes.box} x={0.5} y={0.5} width={width - 1} height={height - 1} rx={6} />
      <rect className={classes.stripe} x={4} y={6} width={4} height={height - 12} rx={2} />
      <text className={classes.kind} x={14} y={18}>
        {truncate(shortKinds[node.kind] ?? node.kind, kindChars)}
      </text>
      <g transform={`translate(${width - pillWidth - 8},6)`}>
        <rect
          className={classes.pill}
          width={pillWidth}
          height={16}
          rx={8}
          style={{
            fill: outline ? 'transparent' : `var(--mantine-color-${look.color}-light)`,
            stroke: outline ? `var(--mantine-color-${look.color}-outline)` : 'none',
          }}
        />
        <text
          className={classes.pillText}
          x={pillWidth / 2}
          y={11.5}
          textAnchor="middle"
          style={{ fill: outline ? `var(--mantine-color-${look.color}-outline)` : `var(--mantine-color-${look.color}-light-color)` }}
        >
          {look.label}
        </text>
      </g>
      <text className={classes.name} x={14} y={height - 11}>
        {truncate(node.name, nameChars)}
      </text>
    </g>
  );
}

/**
 * The app's objects as a graph: entry points → Services → workloads → pods, with the config, storage and
 * policies each one uses drawn under it, every node in its live health's colour. Selecting a node
 * shows that object in the resources list.
 */
export function ResourceMap({ deployment, onSelect }: { deployment: Deployment; onSelect: (target: MapTarget) => void }) {
  const resources = useResources(deployment.id);
  const spec = useAppliedSpec(deployment, resources.data?.appliedRevision);
  const [active, setActive] = useState<string | null>(null);
  const objects = resources.data?.objects;
  const map = useMemo(() => (objects ? buildResourceMap(spec, objects) : null), [spec, objects]);
  const layout = useMemo(() => (map ? layoutResourceMap(map) : null), [map]);

  if (resources.isPending) {
    return (
      <Loading label="Drawing the resource map">
        <Skeleton h={280} />
      </Loading>
    );
  }
  if (resources.isError) return <Text c="red">{errorMessage(resources.error)}</Text>;
  if (!map || !layout || layout.nodes.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        Nothing to draw yet: review and deploy to create the objects.
      </Text>
    );
  }
  const omitted = Object.entries(map.omitted);
  return (
    <Stack gap="xs">
      <Paper withBorder className={classes.scroller}>
        <svg
          className={classes.svg}
          width={layout.width}
          height={layout.height}
          viewBox={`0 0 ${layout.width} ${layout.height}`}
          role="group"
          aria-label={`Resource map of ${deployment.name}`}
          data-testid="resource-map"
        >
          {layout.columns.map((column) => (
            <text key={column.column} className={classes.heading} x={column.x} y={22} aria-hidden="true">
              {column.title}
            </text>
          ))}
          <g aria-hidden="true">
            {layout.edges.map(({ edge, path, attached }) => {
              const lit = active !== null && (edge.from === active || edge.to === active);
              return (
                <path
                  key={`${edge.from}>${edge.to}`}
                  d={path}
                  className={`${classes.edge} ${attached ? classes.attachedEdge : ''} ${lit ? classes.activeEdge : ''}`}
                  data-edge={`${edge.from}>${edge.to}`}
                />
              );
            })}
          </g>
          {layout.nodes.map((placed) => (
            <MapNodeView key={placed.node.id} placed={placed} onSelect={onSelect} onActive={setActive} />
          ))}
        </svg>
      </Paper>
      <Text size="xs" c="dimmed">
        Links follow the app&apos;s spec of revision {resources.data.appliedRevision ?? deployment.revision}; select an object to
        find it in the resources list.
        {omitted.length > 0 &&
          ` Not drawn: ${omitted.map(([kind, count]) => `${count} ${kind}`).join(', ')} (listed under Resources).`}
      </Text>
    </Stack>
  );
}
