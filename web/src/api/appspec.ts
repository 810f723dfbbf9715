import type { components } from './spec';

/** Names for the generated AppSpec types (`kubechart schema`), so features never spell out `components`. */
type Defs = components['schemas'];

export type AppSpec = Defs['AppSpec'];
export type WorkloadSpec = Defs['WorkloadSpec'];
export type WorkloadKind = Defs['WorkloadKind'];
export type ContainerSpec = Defs['ContainerSpec'];
export type PullPolicy = Defs['PullPolicy'];
export type ServiceSpec = Defs['ServiceSpec'];
export type ServiceType = Defs['ServiceType'];
export type IngressSpec = Defs['IngressSpec'];
export type PathType = Defs['PathType'];
export type ConfigMapSpec = Defs['ConfigMapSpec'];
export type SecretSpec = Defs['SecretSpec'];
export type PersistentVolumeClaimSpec = Defs['PersistentVolumeClaimSpec'];
