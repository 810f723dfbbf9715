import { zodResolver } from '@hookform/resolvers/zod';
import { Button, FileButton, Group, SimpleGrid, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { IconFileImport, IconUpload } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useForm } from 'react-hook-form';
import { monospaceInput } from '../../../components/form/fields';
import {
  importFormSchema,
  importRequest,
  useImportManifests,
  type ImportedManifests,
  type ImportForm,
} from '../api/importManifests';
import { ImportProblems } from './ImportProblems';
import { placeImportError, type ImportProblem } from './problems';


/**
 * Manifests pasted or read from a file (multi-document YAML, `helm template` output, `kubectl get -o
 * yaml`, JSON) sent to the server's import; the answer goes to `onImported`.
 */
export function ImportYamlForm({
  initial,
  onInput,
  onImported,
}: {
  initial: ImportForm;
  /** Every change of the input, so that it outlives this form (another tab, the report step). */
  onInput: (input: ImportForm) => void;
  onImported: (result: ImportedManifests) => void;
}) {
  const importManifests = useImportManifests();
  const [problems, setProblems] = useState<ImportProblem[]>([]);
  const [fileName, setFileName] = useState<string | null>(null);
  const {
    register,
    handleSubmit,
    setValue,
    setError,
    watch,
    formState: { errors, isSubmitting },
  } = useForm<ImportForm>({ resolver: zodResolver(importFormSchema), defaultValues: initial });

  useEffect(() => {
    const subscription = watch((values) => onInput({ ...initial, ...values }));
    return () => subscription.unsubscribe();
  }, [watch, onInput, initial]);

  const readFile = async (file: File | null) => {
    if (!file) return;
    setValue('yaml', await file.text(), { shouldValidate: true });
    setFileName(file.name);
  };

  const submit = handleSubmit(async (values) => {
    setProblems([]);
    try {
      onImported(await importManifests.mutateAsync(importRequest(values)));
    } catch (error) {
      setProblems(placeImportError(error, ['yaml', 'namespace', 'name'], setError));
    }
  });

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <ImportProblems problems={problems} />
        <Textarea
          label="Manifests"
          description="One or more Kubernetes objects as YAML (separated by ---) or JSON: your files, helm template output, kubectl get -o yaml."
          placeholder={'apiVersion: apps/v1\nkind: Deployment\n…'}
          autosize
          minRows={12}
          maxRows={28}
          spellCheck={false}
          styles={{ input: { ...monospaceInput.input, fontSize: 13 } }}
          error={errors.yaml?.message}
          {...register('yaml')}
        />
        <Group gap="sm">
          <FileButton accept=".yaml,.yml,.json,text/yaml,application/json,text/plain" onChange={(file) => void readFile(file)}>
            {(props) => (
              <Button variant="default" leftSection={<IconUpload size={16} />} {...props}>
                Upload a file
              </Button>
            )}
          </FileButton>
          {fileName && (
            <Text size="sm" c="dimmed">
              Read {fileName}
            </Text>
          )}
        </Group>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <TextInput
            label="Namespace"
            description="Optional: by default the objects' own (needed if they span several)."
            styles={monospaceInput}
            error={errors.namespace?.message}
            {...register('namespace')}
          />
          <TextInput
            label="Application name"
            description="Optional: taken from the objects' labels by default."
            styles={monospaceInput}
            error={errors.name?.message}
            {...register('name')}
          />
        </SimpleGrid>
        <Group>
          <Button type="submit" loading={isSubmitting} leftSection={<IconFileImport size={16} />}>
            Import
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
