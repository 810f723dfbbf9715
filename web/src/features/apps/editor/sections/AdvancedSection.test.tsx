import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { AppSpec } from '../../../../api/appspec';
import { field } from '../../../../test/fields';
import { json } from '../../../../test/mockApi';
import { lastRendered, rendered, renderEditor } from './testEditor';

const spec = {
  name: 'shop',
  namespace: 'shop',
  workloads: [{ name: 'web', kind: 'Deployment', containers: [{ name: 'web', image: 'nginx:1.27' }] }],
  overrides: [{ kind: 'Deployment', name: 'web', patch: { spec: { minReadySeconds: 5 } } }],
} as unknown as AppSpec;

const objects = [
  { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'shop' },
  { apiVersion: 'v1', kind: 'Service', name: 'web', namespace: 'shop' },
];

function patchField(): HTMLTextAreaElement {
  return screen.getByLabelText((content) => content.replace(/\s*\*$/, '') === 'Patch (JSON)', { selector: 'textarea' });
}

function patchError(): string | null {
  const ids = patchField().getAttribute('aria-describedby')?.split(/\s+/) ?? [];
  const errorId = ids.find((id) => id.endsWith('-error'));
  return errorId ? (document.getElementById(errorId)?.textContent ?? null) : null;
}

describe('AdvancedSection', { timeout: 40_000 }, () => {
  it('refuses a patch that is not JSON, with the reason, and takes one that is', async () => {
    const { api, user } = renderEditor(spec, {
      routes: {
        'POST /api/v1/render': () => json(200, { ...rendered, objects, resourceCount: objects.length }),
      },
    });
    await user.click(screen.getByRole('button', { name: 'Advanced' }));
    expect(JSON.parse(patchField().value)).toEqual({ spec: { minReadySeconds: 5 } });

    await user.clear(patchField());
    await user.click(patchField());
    await user.paste('{"spec": {"minReadySeconds": 10');
    await waitFor(() => expect(patchError()).toMatch(/^Not valid JSON: /));
    // The preview keeps rendering the last valid patch (its first render may still be on its way).
    await waitFor(() => expect(lastRendered(api).overrides?.[0]?.patch).toEqual({ spec: { minReadySeconds: 5 } }));
    // Saving stops at the field (focused) before anything else is checked, such as the missing cluster.
    await user.click(screen.getByRole('button', { name: 'Save and review' }));
    await waitFor(() => expect(document.activeElement).toBe(patchField()));
    expect(screen.queryByText('Pick the cluster to deploy to (Basics).')).toBeNull();

    await user.clear(patchField());
    await user.paste('[1, 2]');
    await waitFor(() => expect(patchError()).toMatch(/^The patch must be a JSON object/));

    await user.clear(patchField());
    await user.paste('{"spec": {"minReadySeconds": 10}}');
    await waitFor(() => expect(patchError()).toBeNull());
    await waitFor(() => expect(lastRendered(api).overrides).toEqual([{ kind: 'Deployment', name: 'web', patch: { spec: { minReadySeconds: 10 } } }]));
    await user.click(screen.getByRole('button', { name: 'Save and review' }));
    expect(await screen.findByText('Pick the cluster to deploy to (Basics).')).toBeInTheDocument();
  });

  it('targets an object picked from the rendered manifests', async () => {
    const { api, user } = renderEditor({ ...spec, overrides: [] } as AppSpec, {
      routes: { 'POST /api/v1/render': () => json(200, { ...rendered, objects, resourceCount: objects.length }) },
    });
    await user.click(screen.getByRole('button', { name: 'Advanced' }));
    // The object list comes with the first render.
    await screen.findByRole('button', { name: 'Service/web' });
    await user.click(screen.getByRole('button', { name: 'Add override' }));
    await user.click(field('Object'));
    await user.click(await screen.findByRole('option', { name: 'Service/web' }));
    await user.clear(patchField());
    await user.paste('{"metadata": {"annotations": {"example.com/owner": "shop"}}}');
    await waitFor(() =>
      expect(lastRendered(api).overrides).toEqual([
        { kind: 'Service', name: 'web', patch: { metadata: { annotations: { 'example.com/owner': 'shop' } } } },
      ]),
    );
  });
});
