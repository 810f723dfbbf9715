import { forEachDiagnostic } from '@codemirror/lint';
import type { EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';
import type { AppSpec } from '../../../api/appspec';
import { Providers } from '../../../Providers';
import { createQueryClient } from '../../../queryClient';
import { expectFieldError, field, fieldError } from '../../../test/fields';
import { apiError, json, mockApi, type Recorded } from '../../../test/mockApi';
import { AppEditor } from './AppEditor';

const spec = {
  name: 'shop',
  namespace: 'shop',
  workloads: [{ name: 'web', kind: 'Deployment', replicas: 2, containers: [{ name: 'web', image: 'nginx:1.27' }] }],
  // Edited in other sections than the one the tests use; they must survive every edit and every switch
  // to YAML and back.
  overrides: [{ kind: 'Deployment', name: 'web', patch: { spec: { minReadySeconds: 5 } } }],
  roles: [{ name: 'reader', rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] }],
} as unknown as AppSpec;

const rendered = { yaml: 'kind: Deployment\n', objects: [], resourceCount: 1, warnings: [] as string[] };

function renderEditor(renderHandler: (request: Recorded) => Response) {
  const api = mockApi({ 'POST /api/v1/render': renderHandler });
  const user = userEvent.setup();
  render(
    <Providers queryClient={createQueryClient({ retryDelayMs: 0 })} env="test">
      <MemoryRouter>
        <AppEditor start={{ spec, clusterId: null, restored: false }} draftKey="test" onDiscardDraft={() => {}} />
      </MemoryRouter>
    </Providers>,
  );
  return { api, user };
}

/** The YAML tab's CodeMirror editor, found from its labelled content element once it has loaded. */
async function yamlEditor(): Promise<EditorView> {
  const content = await screen.findByLabelText('AppSpec (YAML)', {}, { timeout: 10_000 });
  const view = EditorView.findFromDOM(content.closest<HTMLElement>('.cm-editor')!);
  if (!view) throw new Error('the YAML tab has no CodeMirror editor');
  return view;
}

/** Types over `before` with `after`, as one edit of the editor's document. */
function replaceText(view: EditorView, before: string, after: string) {
  const from = view.state.doc.toString().indexOf(before);
  if (from < 0) throw new Error(`the YAML has no ${before}`);
  act(() => view.dispatch({ changes: { from, to: from + before.length, insert: after } }));
}

/** The messages of the lint marks in the editor. */
function lintMessages(state: EditorState): string[] {
  const messages: string[] = [];
  forEachDiagnostic(state, (diagnostic) => messages.push(diagnostic.message));
  return messages;
}

function lastRendered(api: ReturnType<typeof mockApi>): AppSpec {
  const calls = api.calls('POST', '/api/v1/render');
  return (calls[calls.length - 1]!.body as { spec: AppSpec }).spec;
}

describe('AppEditor', { timeout: 40_000 }, () => {
  it('shows a server error at its field and counts it in its section', async () => {
    const { user } = renderEditor((request) => {
      const sent = (request.body as { spec: AppSpec }).spec;
      return sent.workloads?.[0]?.name === 'Web'
        ? apiError(422, 'invalid_input', 'invalid spec', [{ path: 'workloads[0].name', message: 'must be a DNS-1123 label' }])
        : json(200, rendered);
    });
    await user.click(screen.getByRole('button', { name: 'Workloads' }));
    await user.clear(field('Workload name'));
    await user.type(field('Workload name'), 'Web');
    await expectFieldError('Workload name', 'Must be a DNS-1123 label.');
    const nav = screen.getByRole('navigation', { name: 'Sections' });
    expect(within(nav).getByRole('button', { name: /1 error$/ })).toBeInTheDocument();

    await user.type(field('Workload name'), 'x');
    await waitFor(() => expect(fieldError('Workload name')).toBeNull());
  });

  it('shows a render warning at the field it names', async () => {
    const { user } = renderEditor(() =>
      json(200, { ...rendered, warnings: ['workloads[0].replicas: a single replica is unavailable during updates'] }),
    );
    await user.click(screen.getByRole('button', { name: 'Workloads' }));
    const replicas = field('Replicas');
    await waitFor(() => {
      const wrapper = replicas.closest('.mantine-InputWrapper-root');
      expect(wrapper?.querySelector('[data-warning]')?.textContent).toBe('A single replica is unavailable during updates.');
    });
  });

  it('adds and removes list entries with the field arrays, keeping fields the form does not show', async () => {
    const { api, user } = renderEditor(() => json(200, rendered));
    await user.click(screen.getByRole('button', { name: 'Workloads' }));
    await user.click(screen.getByRole('button', { name: 'Add port' }));
    await user.clear(field('Port 1 name'));
    await user.click(field('Port 1 name'));
    await user.paste('http');
    await waitFor(() => expect(lastRendered(api).workloads?.[0]?.containers?.[0]?.ports).toEqual([{ name: 'http', containerPort: 8080 }]));

    await user.click(screen.getByRole('button', { name: 'Add workload' }));
    await waitFor(() => expect(lastRendered(api).workloads).toHaveLength(2));
    await user.click(screen.getByRole('button', { name: 'Remove workload worker-2' }));
    await waitFor(() => expect(lastRendered(api).workloads).toHaveLength(1));

    const last = lastRendered(api) as unknown as Record<string, unknown>;
    expect(last.overrides).toEqual((spec as unknown as Record<string, unknown>).overrides);
    expect(last.roles).toEqual((spec as unknown as Record<string, unknown>).roles);
  });

  it('switches to YAML and back without dropping a field, and takes YAML edits into the form', async () => {
    const { api, user } = renderEditor(() => json(200, rendered));
    await user.click(screen.getByRole('radio', { name: 'YAML' }));
    const yaml = await yamlEditor();
    expect(yaml.state.doc.toString()).toContain('minReadySeconds: 5');
    expect(yaml.state.doc.toString()).toContain('verbs:');

    replaceText(yaml, 'replicas: 2', 'replicas: 4');
    await waitFor(() => expect(lastRendered(api).workloads?.[0]?.replicas).toBe(4));

    await user.click(screen.getByRole('radio', { name: 'Form' }));
    await user.click(screen.getByRole('button', { name: 'Workloads' }));
    expect(field('Replicas').value).toBe('4');
    const last = lastRendered(api) as unknown as Record<string, unknown>;
    expect(last.overrides).toEqual((spec as unknown as Record<string, unknown>).overrides);
    expect(last.roles).toEqual((spec as unknown as Record<string, unknown>).roles);
  });

  it('keeps the form as it was while the YAML cannot be read, and says where', async () => {
    const { user } = renderEditor(() => json(200, rendered));
    await user.click(screen.getByRole('radio', { name: 'YAML' }));
    const yaml = await yamlEditor();
    replaceText(yaml, 'replicas: 2', 'replicas: 3');
    act(() => yaml.dispatch({ changes: { from: yaml.state.doc.length, insert: '\n  bad: [[' } }));
    expect(await screen.findByText(/The form keeps the last readable version/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /^Line \d+:/ })).toBeInTheDocument();

    await user.click(screen.getByRole('radio', { name: 'Form' }));
    await user.click(screen.getByRole('button', { name: 'Workloads' }));
    expect(field('Replicas').value).toBe('3');
  });

  it('marks what the AppSpec schema refuses at its line, and moves there from the list', async () => {
    const { api, user } = renderEditor(() => json(200, rendered));
    await user.click(screen.getByRole('radio', { name: 'YAML' }));
    const yaml = await yamlEditor();
    replaceText(yaml, 'replicas: 2', 'replicas: two');
    const problem = await screen.findByRole('button', { name: /workloads\[0\]\.replicas must be a whole number/ });
    const line = yaml.state.doc.lineAt(yaml.state.doc.toString().indexOf('replicas: two')).number;
    expect(problem).toHaveTextContent(new RegExp(`^Line ${line}:`));
    // Readable YAML still reaches the form and the preview; the server has the last word on it.
    await waitFor(() => expect(lastRendered(api).workloads?.[0]?.replicas).toBe('two'));

    await user.click(problem);
    const { from, to } = yaml.state.selection.main;
    expect(yaml.state.sliceDoc(from, to)).toBe('two');
    await waitFor(() => expect(lintMessages(yaml.state)).toEqual([expect.stringContaining('must be a whole number')]));
  });

  it('is one labelled text box that Tab leaves', async () => {
    const { user } = renderEditor(() => json(200, rendered));
    await user.click(screen.getByRole('radio', { name: 'YAML' }));
    const content = await screen.findByRole('textbox', { name: 'AppSpec (YAML)' });
    content.focus();
    await user.tab();
    expect(content).not.toHaveFocus();
  });
});
