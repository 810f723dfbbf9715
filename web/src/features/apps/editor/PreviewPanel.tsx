import { Alert, Badge, Box, Code, Group, Loader, Paper, ScrollArea, Stack, Text, UnstyledButton } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useMemo, useRef } from 'react';
import type { ObjectRef } from '../../../api/types';
import { sentence } from '../../../lib/http';
import { toServerPath } from '../../../lib/form/paths';
import type { LivePreview } from './useLivePreview';
import classes from './Editor.module.css';

/** The line each object's document starts on, in the multi-document YAML (same order as `objects`). */
function documentStarts(yaml: string): number[] {
  const starts = [0];
  yaml.split('\n').forEach((line, index) => {
    if (line === '---') starts.push(index + 1);
  });
  return starts;
}

function objectLabel(object: ObjectRef): string {
  return `${object.kind}/${object.name}`;
}

// A long field path breaks anywhere rather than running out of the narrow panel.
const breakAnywhere = { overflowWrap: 'anywhere' } as const;

/** The manifests as they would be applied: object list, resource count, warnings and the YAML. */
export function PreviewPanel({ preview }: { preview: LivePreview }) {
  const yamlRef = useRef<HTMLPreElement>(null);
  const { result, pending, warnings, errors, failure } = preview;
  const lines = useMemo(() => (result ? result.yaml.split('\n') : []), [result]);
  const starts = useMemo(() => (result ? documentStarts(result.yaml) : []), [result]);

  const scrollTo = (index: number) => {
    const line = yamlRef.current?.querySelector<HTMLElement>(`[data-line="${starts[index] ?? 0}"]`);
    line?.scrollIntoView({ block: 'start', behavior: 'smooth' });
  };

  return (
    <Paper withBorder className={classes.preview} aria-label="Manifest preview" aria-busy={pending} component="section">
      <Group justify="space-between" px="md" py="sm" className={classes.previewHeader}>
        <Group gap="xs">
          <Text fw={650}>Manifests</Text>
          {result && (
            <Badge variant="light" data-testid="resource-count">
              {result.resourceCount} {result.resourceCount === 1 ? 'resource' : 'resources'}
            </Badge>
          )}
        </Group>
        {/* The region is marked busy meanwhile; a name on the spinner (a plain span) is not allowed. */}
        {pending && <Loader size="xs" aria-hidden />}
      </Group>
      <Stack gap="xs" px="md" pb="sm">
        {(errors.length > 0 || failure) && (
          <Alert color="red" variant="light" p="xs" title="The spec cannot be rendered">
            {failure ??
              errors.map((error) => (
                <Text key={`${error.path}:${error.message}`} size="xs" style={breakAnywhere}>
                  {error.path && <Code>{toServerPath(error.path)}</Code>} {sentence(error.message)}
                </Text>
              ))}
          </Alert>
        )}
        {warnings.length > 0 && (
          <Alert color="yellow" variant="light" p="xs" icon={<IconAlertTriangle size={16} />} title={`${warnings.length} warning${warnings.length === 1 ? '' : 's'}`}>
            {warnings.map((warning) => (
              <Text key={`${warning.path}:${warning.message}`} size="xs" style={breakAnywhere}>
                {warning.path && <Code>{toServerPath(warning.path)}</Code>} {sentence(warning.message)}
              </Text>
            ))}
          </Alert>
        )}
        {result && (
          <Group gap={6}>
            {result.objects.map((object, index) => (
              <UnstyledButton
                key={`${object.kind}/${object.namespace ?? ''}/${object.name}`}
                className={classes.objectChip}
                onClick={() => scrollTo(index)}
              >
                {objectLabel(object)}
              </UnstyledButton>
            ))}
          </Group>
        )}
      </Stack>
      <ScrollArea className={classes.yamlScroll} type="auto" viewportProps={{ tabIndex: 0, role: 'region', 'aria-label': 'Rendered YAML' }}>
        <Box component="pre" ref={yamlRef} className={classes.yaml} data-testid="preview-yaml">
          {lines.map((line, index) => (
            <span key={index} data-line={index}>
              {line}
              {'\n'}
            </span>
          ))}
        </Box>
      </ScrollArea>
    </Paper>
  );
}
