import { zodResolver } from '@hookform/resolvers/zod';
import { Avatar, Badge, Button, Card, Divider, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import type { User } from '../../../api/types';
import { FormAlert } from '../../../components/ui/FormAlert';
import { applyServerErrors } from '../../../lib/formErrors';
import { initials } from '../../../components/ui/initials';
import { useUpdateMe } from '../../../lib/auth/updateMe';

const displayNameSchema = z.object({
  displayName: z.string().trim().max(64, 'Use at most 64 characters'),
});

type DisplayNameForm = z.infer<typeof displayNameSchema>;

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'long' });

/** Who the user is, and the one thing they can change about it here: the display name. */
export function AccountCard({ user }: { user: User }) {
  const updateMe = useUpdateMe();
  const {
    register,
    handleSubmit,
    setError,
    reset,
    formState: { errors, isSubmitting, isDirty },
  } = useForm<DisplayNameForm>({
    resolver: zodResolver(displayNameSchema),
    values: { displayName: user.displayName ?? '' },
  });

  const onSubmit = handleSubmit(async ({ displayName }) => {
    try {
      // An empty name clears it, so the username is shown again.
      const updated = await updateMe.mutateAsync({ displayName: displayName === '' ? null : displayName });
      reset({ displayName: updated.displayName ?? '' });
      notifications.show({ color: 'teal', title: 'Profile saved', message: 'Your display name was updated.' });
    } catch (error) {
      applyServerErrors(error, setError, ['displayName']);
    }
  });

  return (
    <Card withBorder padding="xl">
      <Group gap="md" wrap="nowrap">
        <Avatar color="brand" radius="xl" size={56}>
          {initials(user)}
        </Avatar>
        <Stack gap={2} style={{ minWidth: 0 }}>
          <Group gap="xs">
            <Title order={4}>{user.displayName || user.username}</Title>
            <Badge variant="light" color={user.role === 'admin' ? 'grape' : 'gray'}>
              {user.role === 'admin' ? 'Administrator' : 'Member'}
            </Badge>
          </Group>
          <Text size="sm" c="dimmed" truncate>
            @{user.username} · {user.email}
          </Text>
          <Text size="xs" c="dimmed">
            Member since {dateFormat.format(new Date(user.createdAt))}
          </Text>
        </Stack>
      </Group>
      <Divider my="lg" />
      <form onSubmit={onSubmit} noValidate>
        <Stack gap="md">
          <FormAlert message={errors.root?.server?.message} />
          <TextInput
            label="Display name"
            description="Shown in the header and to other users instead of your username."
            placeholder={user.username}
            error={errors.displayName?.message}
            {...register('displayName')}
          />
          <Group justify="flex-end">
            <Button type="submit" loading={isSubmitting} disabled={!isDirty}>
              Save
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}
