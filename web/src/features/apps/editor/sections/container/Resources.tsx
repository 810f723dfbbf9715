import { SimpleGrid } from '@mantine/core';
import { QuantityField } from '../../../../../components/form/fields';

/** Requests (what the scheduler reserves) and limits (the most the container may use). */
export function ResourcesField({ base }: { base: string }) {
  return (
    <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm">
      <QuantityField name={`${base}.resources.requests.cpu`} label="CPU request" placeholder="250m" />
      <QuantityField name={`${base}.resources.limits.cpu`} label="CPU limit" placeholder="1" />
      <QuantityField name={`${base}.resources.requests.memory`} label="Memory request" placeholder="256Mi" />
      <QuantityField name={`${base}.resources.limits.memory`} label="Memory limit" placeholder="512Mi" />
      <QuantityField name={`${base}.resources.requests.ephemeralStorage`} label="Ephemeral storage request" placeholder="1Gi" />
      <QuantityField name={`${base}.resources.limits.ephemeralStorage`} label="Ephemeral storage limit" placeholder="2Gi" />
    </SimpleGrid>
  );
}
