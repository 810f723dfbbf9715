import { Alert, Code, List, Text } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import type { ImportProblem } from './problems';

/** Why nothing could be imported, each reason at its document and field. */
export function ImportProblems({ problems }: { problems: ImportProblem[] }) {
  if (problems.length === 0) return null;
  return (
    <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} title="Nothing was imported" role="alert">
      <List size="sm" spacing={4}>
        {problems.map((problem, index) => (
          <List.Item key={index} data-problem>
            {problem.document !== null && <Text span fw={600} size="sm">Document {problem.document}</Text>}
            {problem.document !== null && problem.path && ' · '}
            {problem.path && <Code>{problem.path}</Code>}
            {(problem.document !== null || problem.path) && ': '}
            {problem.message}
          </List.Item>
        ))}
      </List>
    </Alert>
  );
}
