import { zodResolver } from '@hookform/resolvers/zod';
import { Button, Card, Group, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useForm } from 'react-hook-form';
import { FormAlert } from '../../../components/ui/FormAlert';
import { applyServerErrors } from '../../../lib/formErrors';
import { passwordFormSchema, useChangePassword, type PasswordForm } from '../api/changePassword';

const empty: PasswordForm = { currentPassword: '', newPassword: '', confirmPassword: '' };

export function PasswordCard() {
  const changePassword = useChangePassword();
  const {
    register,
    handleSubmit,
    setError,
    reset,
    formState: { errors, isSubmitting },
  } = useForm<PasswordForm>({ resolver: zodResolver(passwordFormSchema), defaultValues: empty });

  const onSubmit = handleSubmit(async ({ currentPassword, newPassword }) => {
    try {
      await changePassword.mutateAsync({ currentPassword, newPassword });
      reset(empty);
      notifications.show({
        color: 'teal',
        title: 'Password changed',
        message: 'Other sessions of your account have been signed out.',
      });
    } catch (error) {
      applyServerErrors(error, setError, ['currentPassword', 'newPassword']);
    }
  });

  return (
    <Card withBorder padding="xl">
      <Stack gap={4} mb="lg">
        <Title order={4}>Password</Title>
        <Text size="sm" c="dimmed">
          Changing it signs out every other browser where you are signed in.
        </Text>
      </Stack>
      <form onSubmit={onSubmit} noValidate>
        <Stack gap="md">
          <FormAlert message={errors.root?.server?.message} />
          <PasswordInput
            label="Current password"
            autoComplete="current-password"
            error={errors.currentPassword?.message}
            {...register('currentPassword')}
          />
          <PasswordInput
            label="New password"
            description="At least 10 characters, not your username"
            autoComplete="new-password"
            error={errors.newPassword?.message}
            {...register('newPassword')}
          />
          <PasswordInput
            label="Confirm new password"
            autoComplete="new-password"
            error={errors.confirmPassword?.message}
            {...register('confirmPassword')}
          />
          <Group justify="flex-end">
            <Button type="submit" loading={isSubmitting}>
              Change password
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}
