import { zodResolver } from '@hookform/resolvers/zod';
import { Alert, Anchor, Button, PasswordInput, Stack, TextInput } from '@mantine/core';
import { IconInfoCircle } from '@tabler/icons-react';
import { useForm } from 'react-hook-form';
import { Link, useLocation } from 'react-router';
import type { LoginRequest } from '../../../api/types';
import { FormAlert } from '../../../components/ui/FormAlert';
import { applyServerErrors } from '../../../lib/formErrors';
import { loginRequestSchema, useLogin } from '../api/login';
import { safeNextPath } from '../../../lib/auth/redirect';
import { useStartSession } from '../../../lib/auth/session';
import { AuthLayout } from './AuthLayout';

export function LoginPage() {
  const location = useLocation();
  const startSession = useStartSession();
  const login = useLogin();
  const next = safeNextPath(location.search);
  const signedOut = (location.state as { signedOut?: boolean } | null)?.signedOut === true;
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors, isSubmitting },
  } = useForm<LoginRequest>({
    resolver: zodResolver(loginRequestSchema),
    defaultValues: { username: '', password: '' },
  });

  const onSubmit = handleSubmit(async (values) => {
    try {
      const auth = await login.mutateAsync(values);
      // GuestOnly moves on to the next page as soon as the token is stored.
      startSession(auth);
    } catch (error) {
      applyServerErrors(error, setError, ['username', 'password']);
    }
  });

  return (
    <AuthLayout
      title="Sign in"
      subtitle="Welcome back. Sign in to manage your deployments."
      footer={
        <>
          New to KubeChart?{' '}
          <Anchor component={Link} to="/register" fw={600}>
            Create an account
          </Anchor>
        </>
      }
    >
      <form onSubmit={onSubmit} noValidate>
        <Stack gap="md">
          {signedOut && (
            <Alert variant="light" color="brand" icon={<IconInfoCircle size={18} />}>
              You have been signed out.
            </Alert>
          )}
          {!signedOut && next !== '/' && (
            <Alert variant="light" color="brand" icon={<IconInfoCircle size={18} />}>
              Please sign in to continue.
            </Alert>
          )}
          <FormAlert message={errors.root?.server?.message} />
          <TextInput
            label="Username or email"
            autoComplete="username"
            autoFocus
            error={errors.username?.message}
            {...register('username')}
          />
          <PasswordInput
            label="Password"
            autoComplete="current-password"
            error={errors.password?.message}
            {...register('password')}
          />
          <Button type="submit" fullWidth size="md" mt="xs" loading={isSubmitting}>
            Sign in
          </Button>
        </Stack>
      </form>
    </AuthLayout>
  );
}
