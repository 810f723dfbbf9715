import { Button, List, Stack, Text } from '@mantine/core';
import { useWatch } from 'react-hook-form';

/**
 * A section whose fields have no form yet: says what the spec holds there and opens the YAML tab, where
 * they are edited (and kept across switches).
 */
export function YamlOnlySection({
  fields,
  onOpenYaml,
}: {
  fields: readonly { path: string; label: string }[];
  onOpenYaml: () => void;
}) {
  const values = useWatch({ name: fields.map((field) => field.path) }) as unknown[];
  return (
    <Stack gap="sm" align="flex-start">
      <List size="sm" spacing={4}>
        {fields.map((field, index) => {
          const value = values[index];
          const count = Array.isArray(value) ? value.length : value ? 1 : 0;
          return (
            <List.Item key={field.path}>
              {field.label}: <Text span fw={600}>{count === 0 ? 'none' : count}</Text>
            </List.Item>
          );
        })}
      </List>
      <Text size="sm" c="dimmed">
        These are edited in the YAML tab for now; whatever is there is kept when you switch back to the form.
      </Text>
      <Button variant="light" onClick={onOpenYaml}>
        Edit in YAML
      </Button>
    </Stack>
  );
}
