import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { Providers } from '../../../Providers';
import { createQueryClient } from '../../../queryClient';
import { setToken } from '../../../lib/token';
import { json, mockApi } from '../../../test/mockApi';
import { RevisionsPanel } from './RevisionsPanel';

const id = '3c1e6f0a-7d1b-4b8e-9f00-00000000d002';
const frank = { id: '0b0a7b4e-8a8e-4c47-9d43-5a3c2f6b9a07', username: 'frank' };

const service = '---\napiVersion: v1\nkind: Service\nmetadata:\n  name: catalog\n';

describe('RevisionsPanel', () => {
  it('compares the latest two revisions and says which fields and manifest lines were removed', async () => {
    setToken('tok-frank');
    mockApi({
      [`GET /api/v1/deployments/${id}/revisions`]: () =>
        json(200, [
          { number: 2, createdAt: '2026-11-01T10:05:00Z', createdBy: frank },
          { number: 1, createdAt: '2026-11-01T10:00:00Z', createdBy: frank },
        ]),
      [`GET /api/v1/deployments/${id}/revisions/1/diff/2`]: () =>
        json(200, {
          from: 1,
          to: 2,
          fields: [
            { path: 'services', before: [{ name: 'catalog' }], after: null },
            { path: 'labels', before: null, after: { tier: 'web' } },
          ],
          yaml: `--- revision 1\n+++ revision 2\n@@ -1,5 +0,0 @@\n${service
            .trimEnd()
            .split('\n')
            .map((line) => `-${line}`)
            .join('\n')}\n`,
        }),
    });
    render(
      <Providers queryClient={createQueryClient({ retryDelayMs: 0 })} env="test">
        <RevisionsPanel id={id} latest={2} applied={2} />
      </Providers>,
    );
    const removed = (await screen.findByText('services')).closest('tr');
    expect(removed).toHaveAttribute('data-change', 'removed');
    expect(removed).toHaveTextContent('removed');
    expect(screen.getByText('labels').closest('tr')).toHaveAttribute('data-change', 'added');
    expect(screen.getByText('not set')).toBeInTheDocument();
    expect(screen.getByText('-kind: Service')).toHaveAttribute('data-kind', 'removed');
    expect(screen.getByRole('button', { name: 'Roll back to 1' })).toBeInTheDocument();
  });
});
