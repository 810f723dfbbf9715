import { Button, Group, SimpleGrid, Stack, Text } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useFieldArray, useFormContext, useWatch } from 'react-hook-form';
import type { AppSpec } from '../../../../../api/appspec';
import { NumberField, SelectField, SwitchField, TextField } from '../../../../../components/form/fields';
import { ItemCard } from '../ItemCard';
import { options } from './fields';
import { useRouteNames } from './refs';
import type { RateLimitKind, RateLimitUnit } from './types';

const kinds = options<RateLimitKind>({
  Local: 'Local (per Envoy instance)',
  Global: 'Global (across all instances)',
});

const units = options<RateLimitUnit>({
  Second: 'Per second',
  Minute: 'Per minute',
  Hour: 'Per hour',
});

function RateLimit({ base, routes }: { base: string; routes: string[] }) {
  const [route, kind, perClientIp] = useWatch({ name: [`${base}.route`, `${base}.type`, `${base}.perClientIp`] }) as [
    string | null | undefined,
    RateLimitKind | undefined,
    boolean | undefined,
  ];
  const uniqueRoutes = [...new Set(routes)];
  return (
    <>
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
        <SelectField
          name={`${base}.route`}
          label="HTTPRoute"
          data={route && !uniqueRoutes.includes(route) ? [...uniqueRoutes, route] : uniqueRoutes}
          clearable
          placeholder={routes.length === 1 ? `${routes[0]} (the only HTTPRoute)` : 'Pick an HTTPRoute'}
        />
        <NumberField name={`${base}.requests`} label="Requests" required min={1} max={4_294_967_295} />
        <SelectField name={`${base}.unit`} label="Unit" data={units} clearable placeholder="Per second" />
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
        <SelectField name={`${base}.type`} label="Kind" data={kinds} clearable placeholder="Local (per Envoy instance)" />
        <TextField name={`${base}.name`} label="Policy name" optional monospace placeholder="<route>-ratelimit" />
      </SimpleGrid>
      {/* A per-client budget needs the rate limit service; the switch stays visible while it is on so it can be turned off. */}
      {(kind === 'Global' || perClientIp === true) && (
        <SwitchField name={`${base}.perClientIp`} label="Per client IP" description="Each source address gets its own budget (Global only)." />
      )}
    </>
  );
}

/** Envoy Gateway rate limits, each a BackendTrafficPolicy on one of the app's HTTPRoutes. */
export function RateLimits() {
  const { control } = useFormContext<AppSpec>();
  const limits = useFieldArray({ control, name: 'rateLimits' });
  const names = useWatch({ name: 'rateLimits' }) as { name?: string | null; route?: string | null }[] | undefined;
  const routes = useRouteNames();
  return (
    <Stack gap="sm">
      {routes.length === 0 && (
        <Text size="sm" c="dimmed">
          A rate limit applies to an HTTPRoute of this application (Envoy Gateway): add an HTTPRoute first.
        </Text>
      )}
      {limits.fields.map((limit, index) => {
        const base = `rateLimits.${index}`;
        const title = names?.[index]?.name || names?.[index]?.route || '';
        return (
          <ItemCard
            key={limit.id}
            title={`Rate limit ${title}`}
            removeLabel={`Remove rate limit ${title || index + 1}`}
            onRemove={() => limits.remove(index)}
          >
            <RateLimit base={base} routes={routes} />
          </ItemCard>
        );
      })}
      <Group>
        <Button
          variant="light"
          leftSection={<IconPlus size={16} />}
          disabled={routes.length === 0}
          onClick={() => limits.append({ requests: 100, unit: 'Second' })}
        >
          Add rate limit
        </Button>
      </Group>
    </Stack>
  );
}
