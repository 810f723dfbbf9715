import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import type { AppSpec } from '../../../../api/appspec';
import { Providers } from '../../../../Providers';
import { createQueryClient } from '../../../../queryClient';
import { json, mockApi, type Handler } from '../../../../test/mockApi';
import { AppEditor } from '../AppEditor';

/** What the render endpoint answers unless a test says otherwise. */
export const rendered = { yaml: 'kind: Deployment\n', objects: [], resourceCount: 1, warnings: [] as string[] };

/** The whole editor on `spec`, with a fake server that renders every spec (plus `routes`). */
export function renderEditor(spec: AppSpec, { clusterId = null, routes = {} }: { clusterId?: string | null; routes?: Record<string, Handler> } = {}) {
  const api = mockApi({ 'POST /api/v1/render': () => json(200, rendered), ...routes });
  const user = userEvent.setup();
  render(
    <Providers queryClient={createQueryClient({ retryDelayMs: 0 })} env="test">
      <MemoryRouter>
        <AppEditor start={{ spec, clusterId, restored: false }} draftKey="test" onDiscardDraft={() => {}} />
      </MemoryRouter>
    </Providers>,
  );
  return { api, user };
}

/** The spec of the newest render request: what the form holds, as sent. */
export function lastRendered(api: ReturnType<typeof mockApi>): AppSpec {
  const calls = api.calls('POST', '/api/v1/render');
  return (calls[calls.length - 1]!.body as { spec: AppSpec }).spec;
}
