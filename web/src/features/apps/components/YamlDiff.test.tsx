import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { Providers } from '../../../Providers';
import { createQueryClient } from '../../../queryClient';
import { diffLines, YamlDiff } from './YamlDiff';

const diff = `--- live
+++ desired
@@ -3,3 +3,3 @@
 spec:
-  replicas: 2
+  replicas: 3
`;

describe('diffLines', () => {
  it('drops the file headers and classifies the rest', () => {
    expect(diffLines(diff)).toEqual([
      { kind: 'hunk', text: '@@ -3,3 +3,3 @@' },
      { kind: 'context', text: ' spec:' },
      { kind: 'removed', text: '-  replicas: 2' },
      { kind: 'added', text: '+  replicas: 3' },
    ]);
  });
});

describe('YamlDiff', () => {
  it('marks added and removed lines', () => {
    const { container } = render(
      <Providers queryClient={createQueryClient()} env="test">
        <YamlDiff diff={diff} />
      </Providers>,
    );
    expect(container.querySelector('[data-kind="added"]')?.textContent).toContain('replicas: 3');
    expect(container.querySelector('[data-kind="removed"]')?.textContent).toContain('replicas: 2');
  });

  it('says so when there is nothing to show', () => {
    const { getByText } = render(
      <Providers queryClient={createQueryClient()} env="test">
        <YamlDiff diff="" />
      </Providers>,
    );
    expect(getByText('No differences.')).toBeInTheDocument();
  });
});
