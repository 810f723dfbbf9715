import { zodResolver } from '@hookform/resolvers/zod';
import { Anchor, Button, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useForm } from 'react-hook-form';
import { Link } from 'react-router';
import type { RegisterRequest } from '../../../api/types';
import { FormAlert } from '../../../components/ui/FormAlert';
import { applyServerErrors } from '../../../lib/formErrors';
import { registerRequestSchema, useRegister } from '../api/register';
import { useStartSession } from '../../../lib/auth/session';
import { AuthLayout } from './AuthLayout';

export function RegisterPage() {
  const startSession = useStartSession();
  const registration = useRegister();
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors, isSubmitting },
  } = useForm<RegisterRequest>({
    resolver: zodResolver(registerRequestSchema),
    defaultValues: { username: '', email: '', password: '' },
    mode: 'onTouched',
  });

  const onSubmit = handleSubmit(async (values) => {
    try {
      const auth = await registration.mutateAsync(values);
      // GuestOnly moves on to the next page as soon as the token is stored.
      startSession(auth);
    } catch (error) {
      applyServerErrors(error, setError, ['username', 'email', 'password']);
    }
  });

  return (
    <AuthLayout
      title="Create your account"
      subtitle="The first account on a new server becomes its administrator."
      footer={
        <>
          Already have an account?{' '}
          <Anchor component={Link} to="/login" fw={600}>
            Sign in
          </Anchor>
        </>
      }
    >
      <form onSubmit={onSubmit} noValidate>
        <Stack gap="md">
          <FormAlert message={errors.root?.server?.message} />
          <TextInput
            label="Username"
            description="3–32 lowercase letters, digits, “-” or “_”"
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            autoFocus
            error={errors.username?.message}
            {...register('username')}
          />
          <TextInput
            label="Email"
            type="email"
            autoComplete="email"
            error={errors.email?.message}
            {...register('email')}
          />
          <PasswordInput
            label="Password"
            description="At least 10 characters, not your username"
            autoComplete="new-password"
            error={errors.password?.message}
            {...register('password')}
          />
          <Button type="submit" fullWidth size="md" mt="xs" loading={isSubmitting}>
            Create account
          </Button>
        </Stack>
      </form>
    </AuthLayout>
  );
}
