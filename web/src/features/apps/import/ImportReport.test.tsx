import { render, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { Providers } from '../../../Providers';
import { createQueryClient } from '../../../queryClient';
import { importReportSchema, type ImportReport as Report } from '../api/importReport';
import { ImportReport } from './ImportReport';

/** A report as the server sends it: empty field lists are left out of the JSON. */
const report: Report = importReportSchema.parse({
  objects: [
    {
      document: 0,
      source: 'shop/templates/deployment.yaml',
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'web',
      outcome: 'form',
      fields: 14,
      entry: 'workloads[0]',
      formFields: ['metadata.name', 'spec.replicas', 'spec.template.spec.containers[0].image'],
      overrideFields: ['spec.template.spec.dnsPolicy', 'metadata.annotations.team'],
      removedFields: ['spec.template.metadata.labels.app.kubernetes.io/name'],
      droppedFields: ['status', 'metadata.uid'],
    },
    {
      document: 1,
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      name: 'web',
      outcome: 'extraObject',
      fields: 7,
      entry: 'extraObjects[0]',
      reason: 'the form has no entry for ServiceMonitor',
    },
    {
      document: 2,
      apiVersion: 'v1',
      kind: 'ConfigMap',
      name: 'Settings_Main',
      outcome: 'refused',
      fields: 4,
      reason: "metadata.name: 'Settings_Main' must consist of lowercase letters",
    },
  ],
  summary: { objects: 3, formEntries: 1, extraObjects: 1, refused: 1, formFields: 3, overrideFields: 2, extraObjectFields: 7 },
});

function renderReport() {
  const user = userEvent.setup();
  render(
    <Providers queryClient={createQueryClient()} env="test">
      <ImportReport report={report} />
    </Providers>,
  );
  return { user };
}

function stat(name: string): string | null {
  return document.querySelector(`[data-stat="${name}"]`)?.textContent ?? null;
}

function item(label: string): HTMLElement {
  const found = document.querySelector<HTMLElement>(`[data-object="${label}"]`);
  if (found === null) throw new Error(`no report entry for ${label}`);
  return found;
}

function fields(entry: HTMLElement, title: string): string[] {
  const list = entry.querySelector(`[data-fields="${title}"]`);
  return list ? [...list.querySelectorAll('code')].map((code) => code.textContent ?? '') : [];
}

describe('import report', () => {
  it('shows the summary counts', () => {
    renderReport();
    expect(stat('objects')).toBe('3objects read');
    expect(stat('formEntries')).toBe('1in form entries');
    expect(stat('extraObjects')).toBe('1kept as extra objects');
    expect(stat('refused')).toBe('1refused');
    expect(stat('formFields')).toBe('3fields in the form');
    expect(stat('overrideFields')).toBe('2fields in overrides');
  });

  it('names each object with its outcome, document, source and form entry', () => {
    renderReport();
    const web = item('Deployment/web');
    expect(web).toHaveAttribute('data-outcome', 'form');
    expect(within(web).getByText('Form')).toBeInTheDocument();
    expect(within(web).getByText('document 1 · shop/templates/deployment.yaml · → workloads[0]')).toBeInTheDocument();
    expect(within(web).getByText('3 in the form · 2 in the override')).toBeInTheDocument();
    expect(within(item('ServiceMonitor/web')).getByText('Extra object')).toBeInTheDocument();
    expect(within(item('ServiceMonitor/web')).getByText('7 fields kept as written')).toBeInTheDocument();
    expect(within(item('ConfigMap/Settings_Main')).getByText('Refused')).toBeInTheDocument();
  });

  it('shows why an object was refused without being asked', () => {
    renderReport();
    const refused = item('ConfigMap/Settings_Main');
    expect(within(refused).getByRole('button', { expanded: true })).toBeInTheDocument();
    expect(within(refused).getByText(/must consist of lowercase letters/)).toBeVisible();
    expect(within(item('Deployment/web')).getByRole('button', { expanded: false })).toBeInTheDocument();
  });

  it('lists which fields went to the form, which to the override, and which were removed or left out', async () => {
    const { user } = renderReport();
    const web = item('Deployment/web');
    await user.click(within(web).getByRole('button', { name: /Deployment\/web/ }));
    expect(within(web).getByRole('button', { expanded: true })).toBeInTheDocument();
    expect(fields(web, 'In the form')).toEqual(['metadata.name', 'spec.replicas', 'spec.template.spec.containers[0].image']);
    expect(fields(web, 'In the override')).toEqual(['spec.template.spec.dnsPolicy', 'metadata.annotations.team']);
    expect(fields(web, 'Removed by the override')).toEqual(['spec.template.metadata.labels.app.kubernetes.io/name']);
    expect(fields(web, 'Left out')).toEqual(['status', 'metadata.uid']);
    // An extra object has no form fields to list, only why it is kept raw.
    const monitor = item('ServiceMonitor/web');
    expect(fields(monitor, 'In the form')).toEqual([]);
    expect(within(monitor).getByText('the form has no entry for ServiceMonitor')).toBeInTheDocument();
  });
});
