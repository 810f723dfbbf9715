import { Box, ScrollArea, Text } from '@mantine/core';
import classes from './YamlDiff.module.css';

export type DiffLineKind = 'added' | 'removed' | 'hunk' | 'context';

/** Classifies the lines of a unified diff; the file headers (`---`/`+++`) are not shown. */
export function diffLines(diff: string): { kind: DiffLineKind; text: string }[] {
  return diff
    .split('\n')
    .filter((line, index, all) => !(index === all.length - 1 && line === ''))
    .filter((line) => !line.startsWith('--- ') && !line.startsWith('+++ '))
    .map((text) => ({
      kind: text.startsWith('@@') ? 'hunk' : text.startsWith('+') ? 'added' : text.startsWith('-') ? 'removed' : 'context',
      text,
    }));
}

/** A unified YAML diff with added and removed lines coloured (and marked with + and - for those who cannot see colour). */
export function YamlDiff({ diff, maxHeight = 420 }: { diff: string; maxHeight?: number }) {
  const lines = diffLines(diff);
  if (lines.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        No differences.
      </Text>
    );
  }
  return (
    <ScrollArea.Autosize mah={maxHeight} type="auto" viewportProps={{ tabIndex: 0 }}>
      <Box component="pre" className={classes.diff}>
        {lines.map((line, index) => (
          <span key={index} className={classes[line.kind]} data-kind={line.kind}>
            {line.text}
            {'\n'}
          </span>
        ))}
      </Box>
    </ScrollArea.Autosize>
  );
}
