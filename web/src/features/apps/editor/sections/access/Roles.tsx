import { Button, Group, Stack } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useFieldArray, useFormContext, useWatch } from 'react-hook-form';
import type { AppSpec } from '../../../../../api/appspec';
import { TextField } from '../../../../../components/form/fields';
import { ItemCard } from '../ItemCard';
import { Rules } from './Rules';

/** The app's Roles (`roles`) or ClusterRoles (`clusterRoles`): both are a name and rules. */
export function Roles({ name }: { name: 'roles' | 'clusterRoles' }) {
  const { control } = useFormContext<AppSpec>();
  const roles = useFieldArray({ control, name });
  const names = useWatch({ name }) as { name?: string }[] | undefined;
  const kind = name === 'roles' ? 'Role' : 'ClusterRole';
  return (
    <Stack gap="sm">
      {roles.fields.map((role, index) => {
        const roleName = names?.[index]?.name ?? '';
        return (
          <ItemCard
            key={role.id}
            title={`${kind} ${roleName}`}
            removeLabel={`Remove ${kind} ${roleName || index + 1}`}
            onRemove={() => roles.remove(index)}
          >
            <TextField name={`${name}.${index}.name`} label={`${kind} name`} required monospace />
            <Rules base={`${name}.${index}`} clusterScoped={name === 'clusterRoles'} />
          </ItemCard>
        );
      })}
      <Group>
        <Button
          variant="light"
          leftSection={<IconPlus size={16} />}
          onClick={() => roles.append({ name: `${kind.toLowerCase()}-${roles.fields.length + 1}`, rules: [{ verbs: ['get', 'list', 'watch'] }] })}
        >
          Add {kind}
        </Button>
      </Group>
    </Stack>
  );
}
