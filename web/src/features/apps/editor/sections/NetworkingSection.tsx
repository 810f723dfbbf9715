import { Divider, Stack } from '@mantine/core';
import { HttpRoutes } from './networking/HttpRoutes';
import { Ingresses } from './networking/Ingresses';
import { NetworkPolicies } from './networking/NetworkPolicies';
import { RateLimits } from './networking/RateLimits';
import { Services } from './networking/Services';

/** Services, Ingresses, HTTPRoutes with their rate limits, and NetworkPolicies; the cluster feeds the pickers. */
export function NetworkingSection({ clusterId }: { clusterId?: string | null }) {
  return (
    <Stack gap="lg">
      <Divider label="Services" labelPosition="left" />
      <Services />
      <Divider label="Ingresses" labelPosition="left" />
      <Ingresses clusterId={clusterId} />
      <Divider label="HTTPRoutes (Gateway API)" labelPosition="left" />
      <HttpRoutes clusterId={clusterId} />
      <Divider label="Rate limits (Envoy Gateway)" labelPosition="left" />
      <RateLimits />
      <Divider label="NetworkPolicies" labelPosition="left" />
      <NetworkPolicies />
    </Stack>
  );
}
