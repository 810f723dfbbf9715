import { Button, FileButton, Group, Modal, PasswordInput, Select, Stack, Tabs, Text, TextInput, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconUpload } from '@tabler/icons-react';
import { useMemo } from 'react';
import { Controller, useForm, useWatch } from 'react-hook-form';
import type { CreateClusterRequest } from '../../../api/types';
import { FormAlert } from '../../../components/ui/FormAlert';
import { applyServerErrors } from '../../../lib/formErrors';
import { useCreateCluster } from '../../../api/clusters';
import { readContexts } from '../kubeconfig';

interface Values {
  name: string;
  defaultNamespace: string;
  type: 'kubeconfig' | 'token';
  kubeconfig: string;
  context: string;
  server: string;
  token: string;
  certificateAuthorityData: string;
}

const fields = ['name', 'defaultNamespace', 'kubeconfig', 'context', 'server', 'token', 'certificateAuthorityData'] as const;

// The server names the credential fields below `source`; the form keeps them flat.
const fieldMap = {
  'source.kubeconfig': 'kubeconfig',
  'source.context': 'context',
  'source.server': 'server',
  'source.token': 'token',
  'source.certificateAuthorityData': 'certificateAuthorityData',
  source: 'kubeconfig',
} as const;

function request(values: Values): CreateClusterRequest {
  const optional = (text: string) => (text.trim() === '' ? null : text.trim());
  return {
    name: values.name.trim(),
    defaultNamespace: optional(values.defaultNamespace),
    source:
      values.type === 'kubeconfig'
        ? { type: 'kubeconfig', kubeconfig: values.kubeconfig, context: optional(values.context) }
        : {
            type: 'token',
            server: values.server.trim(),
            token: values.token.trim(),
            certificateAuthorityData: optional(values.certificateAuthorityData),
          },
  };
}

/** Registers a cluster from a kubeconfig (pasted or uploaded, one context picked) or a server and token. */
export function AddClusterModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const create = useCreateCluster();
  const form = useForm<Values>({
    defaultValues: {
      name: '',
      defaultNamespace: '',
      type: 'kubeconfig',
      kubeconfig: '',
      context: '',
      server: '',
      token: '',
      certificateAuthorityData: '',
    },
  });
  const { register, control, handleSubmit, setValue, formState, reset, getValues } = form;
  const type = useWatch({ control, name: 'type' });
  const kubeconfig = useWatch({ control, name: 'kubeconfig' });
  const contexts = useMemo(() => readContexts(kubeconfig), [kubeconfig]);

  const loadKubeconfig = (text: string) => {
    setValue('kubeconfig', text, { shouldDirty: true });
    const read = readContexts(text);
    if (!read.contexts.includes(getValues('context'))) setValue('context', read.current ?? read.contexts[0] ?? '');
  };

  const close = () => {
    reset();
    create.reset();
    onClose();
  };

  const submit = handleSubmit(async (values) => {
    try {
      const cluster = await create.mutateAsync(request(values));
      notifications.show({ color: 'green', title: 'Cluster added', message: `${cluster.name} is registered.` });
      close();
    } catch (error) {
      applyServerErrors(error, form.setError, fields, fieldMap);
    }
  });

  return (
    <Modal opened={opened} onClose={close} title="Add a cluster" size="lg">
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <FormAlert message={formState.errors.root?.server?.message} />
          <Group grow align="flex-start">
            <TextInput
              label="Name"
              required
              placeholder="production"
              {...register('name', { required: 'Give the cluster a name' })}
              error={formState.errors.name?.message}
            />
            <TextInput
              label="Default namespace"
              placeholder="from the context"
              {...register('defaultNamespace')}
              error={formState.errors.defaultNamespace?.message}
            />
          </Group>
          <Tabs value={type} onChange={(value) => setValue('type', value === 'token' ? 'token' : 'kubeconfig')}>
            <Tabs.List>
              <Tabs.Tab value="kubeconfig">Kubeconfig</Tabs.Tab>
              <Tabs.Tab value="token">Server and token</Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="kubeconfig" pt="md">
              <Stack gap="sm">
                <Group justify="space-between">
                  <Text size="sm" c="dimmed">
                    Paste a kubeconfig or upload the file. Credentials must be inline (no exec plugins or file paths).
                  </Text>
                  <FileButton accept=".yaml,.yml,.conf,text/yaml,text/plain,*" onChange={(file) => file?.text().then(loadKubeconfig)}>
                    {(props) => (
                      <Button {...props} variant="default" size="xs" leftSection={<IconUpload size={14} />}>
                        Upload kubeconfig
                      </Button>
                    )}
                  </FileButton>
                </Group>
                <Controller
                  control={control}
                  name="kubeconfig"
                  rules={{ validate: (v, all) => all.type !== 'kubeconfig' || v.trim() !== '' || 'Paste or upload a kubeconfig' }}
                  render={({ field, fieldState }) => (
                    <Textarea
                      label="Kubeconfig"
                      autosize
                      minRows={6}
                      maxRows={14}
                      styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
                      fz="xs"
                      value={field.value}
                      onChange={(event) => loadKubeconfig(event.currentTarget.value)}
                      onBlur={field.onBlur}
                      ref={field.ref}
                      error={fieldState.error?.message}
                    />
                  )}
                />
                <Controller
                  control={control}
                  name="context"
                  render={({ field, fieldState }) => (
                    <Select
                      label="Context"
                      placeholder={contexts.contexts.length === 0 ? 'Paste a kubeconfig first' : 'Pick a context'}
                      data={contexts.contexts}
                      disabled={contexts.contexts.length === 0}
                      value={field.value === '' ? null : field.value}
                      onChange={(value) => field.onChange(value ?? '')}
                      error={fieldState.error?.message}
                      comboboxProps={{ withinPortal: true }}
                    />
                  )}
                />
              </Stack>
            </Tabs.Panel>
            <Tabs.Panel value="token" pt="md">
              <Stack gap="sm">
                <TextInput
                  label="API server"
                  placeholder="https://203.0.113.10:6443"
                  {...register('server', { validate: (v, all) => all.type !== 'token' || v.trim() !== '' || 'Enter the API server URL' })}
                  error={formState.errors.server?.message}
                />
                <PasswordInput
                  label="Bearer token"
                  {...register('token', { validate: (v, all) => all.type !== 'token' || v.trim() !== '' || 'Enter a token' })}
                  error={formState.errors.token?.message}
                />
                <Textarea
                  label="CA certificate (PEM)"
                  description="Leave empty when the server's certificate is signed by a public CA."
                  autosize
                  minRows={3}
                  styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
                  fz="xs"
                  {...register('certificateAuthorityData')}
                  error={formState.errors.certificateAuthorityData?.message}
                />
              </Stack>
            </Tabs.Panel>
          </Tabs>
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={formState.isSubmitting}>
              Add cluster
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
