import { Center, Loader, Stack, Text } from '@mantine/core';
import { lazy, Suspense, useId, useState } from 'react';
import type { AppSpec } from '../../../api/appspec';
import { specToYaml } from './specYaml';

// CodeMirror and the schema check load when the YAML tab first opens, not with the form.
const CodeMirrorYaml = lazy(() => import('./CodeMirrorYaml').then((module) => ({ default: module.CodeMirrorYaml })));

/**
 * The AppSpec itself as YAML. Every readable change replaces the form's values (so fields without a
 * form are edited here and kept); an unreadable one is explained and leaves the form as it was. What
 * the AppSpec schema refuses is marked at its line.
 */
export function YamlSpecEditor({ initial, onChange }: { initial: AppSpec; onChange: (spec: AppSpec) => void }) {
  const [text] = useState(() => specToYaml(initial));
  const hint = useId();
  return (
    <Stack gap="xs">
      <Text size="sm" c="dimmed" id={hint}>
        The whole application as YAML, including fields the form does not show. Changes apply as you type. Tab
        moves on to the next control; Ctrl+] and Ctrl+[ indent.
      </Text>
      <Suspense
        fallback={
          <Center mih={200}>
            <Loader size="sm" aria-label="Loading the YAML editor" />
          </Center>
        }
      >
        <CodeMirrorYaml initial={text} label="AppSpec (YAML)" describedBy={hint} onSpec={onChange} />
      </Suspense>
    </Stack>
  );
}
