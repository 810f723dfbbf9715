import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactElement } from 'react';
import { FormProvider, useForm, type UseFormReturn } from 'react-hook-form';
import { MemoryRouter } from 'react-router';
import type { AppSpec } from '../../../../api/appspec';
import type { Picker } from '../../../../api/types';
import { Providers } from '../../../../Providers';
import { createQueryClient } from '../../../../queryClient';
import { field } from '../../../../test/fields';
import { json, mockApi, type Handler } from '../../../../test/mockApi';
import { AppEditor } from '../AppEditor';
import { pruneCleared } from '../prune';

type User = ReturnType<typeof userEvent.setup>;

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

/**
 * `section` alone in a form holding `spec`, as the editor holds it, with the status of cluster `c1`
 * answered from `pickers`; `values()` reads the spec back as it would be sent.
 */
export function renderInForm(spec: AppSpec, section: ReactElement, pickers: Partial<ClusterPickers> = {}) {
  mockApi({ 'GET /api/v1/clusters/c1/status': () => json(200, clusterStatus(pickers)) });
  const holder: { form?: UseFormReturn<AppSpec> } = {};
  function Harness() {
    const form = useForm<AppSpec>({ defaultValues: spec, mode: 'onChange' });
    holder.form = form;
    return <FormProvider {...form}>{section}</FormProvider>;
  }
  render(
    <Providers queryClient={createQueryClient({ retryDelayMs: 0 })} env="test">
      <Harness />
    </Providers>,
  );
  return { user: userEvent.setup(), values: () => pruneCleared(holder.form!.getValues()) };
}

type ClusterPickers = Record<'namespaces' | 'storageClasses' | 'issuers' | 'clusterIssuers' | 'ingressClasses' | 'gateways', Picker>;

/** A picker's answer listing `items` (cluster-wide and not the default unless said). */
export function picker(items: { name: string; namespace?: string | null; isDefault?: boolean }[], reason: string | null = null): Picker {
  return { items: items.map((item) => ({ namespace: null, isDefault: false, ...item })), reason };
}

/** A reachable cluster's status whose pickers list nothing but what `pickers` gives. */
function clusterStatus(pickers: Partial<ClusterPickers>) {
  return {
    reachable: true,
    server: 'https://cluster.example:6443',
    version: 'v1.33.1',
    latencyMs: 3,
    identity: null,
    optionalApis: [],
    permissions: {},
    pickers: {
      namespaces: picker([]),
      storageClasses: picker([]),
      issuers: picker([]),
      clusterIssuers: picker([]),
      ingressClasses: picker([]),
      gateways: picker([]),
      ...pickers,
    },
  };
}

/** Picks `option` from the select labelled `label`. */
export async function pick(user: User, label: string, option: string) {
  await user.click(field(label));
  await user.click(await screen.findByRole('option', { name: option }));
}

/** Types over the whole value, as a person selecting it first does (the field is never empty meanwhile). */
export async function retype(user: User, input: HTMLElement, text: string) {
  const length = (input as HTMLInputElement).value.length;
  await user.type(input, text, { initialSelectionStart: 0, initialSelectionEnd: length });
}
