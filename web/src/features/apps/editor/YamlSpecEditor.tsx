import { Alert, Stack, Text, Textarea } from '@mantine/core';
import { useState } from 'react';
import type { AppSpec } from '../../../api/appspec';
import { specFromYaml, specToYaml } from './specYaml';
import classes from './Editor.module.css';

/**
 * The AppSpec itself as YAML. Every readable change replaces the form's values (so fields without a
 * form are edited here and kept); an unreadable one is explained and leaves the form as it was.
 */
export function YamlSpecEditor({ initial, onChange }: { initial: AppSpec; onChange: (spec: AppSpec) => void }) {
  const [text, setText] = useState(() => specToYaml(initial));
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <Stack gap="xs">
      <Text size="sm" c="dimmed">
        The whole application as YAML, including fields the form does not show. Changes apply as you type.
      </Text>
      <Textarea
        className={classes.yamlEditor}
        label="AppSpec (YAML)"
        autosize
        minRows={24}
        maxRows={60}
        spellCheck={false}
        value={text}
        error={problem ?? undefined}
        onChange={(event) => {
          const next = event.currentTarget.value;
          setText(next);
          const result = specFromYaml(next);
          if (result.ok) {
            setProblem(null);
            onChange(result.spec);
          } else {
            setProblem(`${result.line === null ? '' : `Line ${result.line}: `}${result.message}`);
          }
        }}
      />
      {problem && (
        <Alert color="yellow" variant="light" p="xs">
          The form keeps the last readable version until the YAML reads again.
        </Alert>
      )}
    </Stack>
  );
}
