import { useWatch } from 'react-hook-form';
import type { AppSpec, ServiceSpec, WorkloadSpec } from '../../../../../api/appspec';

type ServicePortSpec = ServiceSpec['ports'][number];

/**
 * A named reference that may be left out when there is exactly one candidate, as the server resolves
 * it: the named one, else the only one.
 */
function namedOrOnly<T>(items: T[], wanted: string | null | undefined, nameOf: (item: T) => string): T | undefined {
  if (wanted) return items.find((item) => nameOf(item) === wanted);
  return items.length === 1 ? items[0] : undefined;
}

/** A Service's name as the server gives it: its own, else its workload's, else the app's. */
function serviceName(service: ServiceSpec, workloads: WorkloadSpec[], appName: string): string {
  if (service.name) return service.name;
  return namedOrOnly(workloads, service.workload, (w) => w.name)?.name ?? appName;
}

/** The name a Service port is referred to by, when it has one (a port targeted by number may not). */
export function servicePortName(port: ServicePortSpec): string | undefined {
  if (port.name) return port.name;
  return /^\d+$/.test(port.targetPort) ? undefined : port.targetPort;
}

export function useWorkloadNames(): string[] {
  const workloads = useWatch<AppSpec, 'workloads'>({ name: 'workloads' }) ?? [];
  return [...new Set(workloads.map((w) => w.name).filter(Boolean))];
}

/** The app's container port names, offered wherever a port is referred to by name. */
export function useContainerPortNames(): string[] {
  const workloads = useWatch<AppSpec, 'workloads'>({ name: 'workloads' }) ?? [];
  const names = new Set<string>();
  for (const workload of workloads)
    for (const container of workload.containers ?? []) for (const port of container.ports ?? []) if (port.name) names.add(port.name);
  return [...names];
}

/** The app's Services by the names that Ingresses and HTTPRoutes refer to them by. */
export function useServices(): { name: string; service: ServiceSpec }[] {
  const [services, workloads, appName] = useWatch<AppSpec, ['services', 'workloads', 'name']>({
    name: ['services', 'workloads', 'name'],
  });
  return (services ?? []).map((service) => ({ name: serviceName(service, workloads ?? [], appName ?? ''), service }));
}

/** The ports of the Service a backend names, or of the app's only Service when it names none. */
export function useServicePorts(wanted: string | null | undefined): ServicePortSpec[] {
  const services = useServices();
  return namedOrOnly(services, wanted, (s) => s.name)?.service.ports ?? [];
}

/** The app's HTTPRoutes by name (a route without one takes the app's name). */
export function useRouteNames(): string[] {
  const [routes, appName] = useWatch<AppSpec, ['httpRoutes', 'name']>({ name: ['httpRoutes', 'name'] });
  return (routes ?? []).map((route) => route.name || appName || '');
}
