import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { AppSpec } from '../../../../api/appspec';
import { field } from '../../../../test/fields';
import { pick, picker, renderInForm, retype } from './testEditor';
import { WorkloadsSection } from './WorkloadsSection';

const pickers = { storageClasses: picker([{ name: 'standard', isDefault: true }, { name: 'fast-ssd' }]) };

function spec(workload: Record<string, unknown>, rest: Record<string, unknown> = {}): AppSpec {
  return {
    name: 'shop',
    namespace: 'shop',
    workloads: [{ name: 'db', containers: [{ name: 'db', image: 'postgres:17' }], ...workload }],
    ...rest,
  } as unknown as AppSpec;
}

/** The section alone in a form holding `start`, on a cluster with two storage classes. */
function renderSection(start: AppSpec) {
  return renderInForm(start, <WorkloadsSection clusterId="c1" />, pickers);
}

describe('WorkloadsSection', { timeout: 40_000 }, () => {
  it('builds a StatefulSet claim template on a storage class of the cluster', async () => {
    const { user, values } = renderSection(spec({ kind: 'StatefulSet', podAnnotations: { team: 'data' } }));
    expect(screen.getByText(/None: each replica can get its own volume/)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Add claim template' }));
    await retype(user, field('Template name'), 'pgdata');
    await retype(user, field('Size'), '20Gi');
    await screen.findByPlaceholderText('standard');
    await pick(user, 'Storage class', 'fast-ssd');
    await user.type(field('Access modes'), 'ReadWriteOnce{Enter}');
    await pick(user, 'Pod management policy', 'All at once');

    const workload = values().workloads?.[0];
    expect(workload?.statefulSet).toEqual({
      podManagementPolicy: 'Parallel',
      volumeClaimTemplates: [{ name: 'pgdata', size: '20Gi', storageClassName: 'fast-ssd', accessModes: ['ReadWriteOnce'] }],
    });
    // What the form does not show stays.
    expect(workload?.podAnnotations).toEqual({ team: 'data' });

    await user.click(screen.getByRole('button', { name: 'Remove claim template pgdata' }));
    expect(values().workloads?.[0]?.statefulSet?.volumeClaimTemplates).toEqual([]);
  });

  it('edits a toleration, with the value only for Equal and the seconds only for NoExecute', async () => {
    const { user, values } = renderSection(spec({ kind: 'Deployment' }));
    expect(screen.queryByRole('button', { name: 'Add toleration' })).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Scheduling and identity' }));
    await user.click(screen.getByRole('button', { name: 'Add toleration' }));
    await user.type(field('Taint key'), 'dedicated');
    await user.type(field('Taint value'), 'db');
    expect(screen.queryByLabelText('Stay bound (seconds)')).not.toBeInTheDocument();
    await pick(user, 'Effect', 'NoExecute');
    await user.type(field('Stay bound (seconds)'), '300');
    expect(values().workloads?.[0]?.tolerations).toEqual([
      { key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoExecute', tolerationSeconds: 300 },
    ]);

    await user.clear(field('Taint value'));
    await pick(user, 'Operator', 'Exists (any value)');
    expect(screen.queryByLabelText('Taint value')).not.toBeInTheDocument();
    expect(values().workloads?.[0]?.tolerations?.[0]).toMatchObject({ key: 'dedicated', operator: 'Exists' });

    await user.click(screen.getByRole('button', { name: 'Remove toleration dedicated' }));
    expect(values().workloads?.[0]?.tolerations).toEqual([]);
  });

  it('opens the pod settings already set, and offers the app’s service accounts', async () => {
    const { user, values } = renderSection(
      spec({ kind: 'Deployment', tolerations: [{ key: 'gpu', operator: 'Exists' }] }, { serviceAccounts: [{ name: 'db-runner' }] }),
    );
    expect(field('Taint key').value).toBe('gpu');
    await user.click(field('Service account'));
    await user.click(await screen.findByRole('option', { name: 'db-runner' }));
    expect(values().workloads?.[0]?.serviceAccount).toBe('db-runner');
  });

  it('stores max surge as a number or a percentage', async () => {
    const { user, values } = renderSection(spec({ kind: 'Deployment' }));
    await user.type(field('Max surge'), '2');
    await user.type(field('Max unavailable'), '25%');
    expect(values().workloads?.[0]?.strategy).toEqual({ maxSurge: 2, maxUnavailable: '25%' });
    await user.type(field('Max unavailable'), 'x');
    expect(await screen.findByText('Use a number such as 1 or a percentage such as 25%')).toBeInTheDocument();
    await pick(user, 'Update strategy', 'Recreate');
    expect(screen.queryByLabelText('Max surge')).not.toBeInTheDocument();
  });

  it('reads a CronJob schedule and lists its next runs in its time zone', async () => {
    const { user, values } = renderSection(spec({ kind: 'CronJob', cronJob: { schedule: '30 3 * * mon-fri', timeZone: 'Europe/Berlin' } }));
    const reading = screen.getByRole('status', { name: 'Schedule reading' });
    expect(reading).toHaveTextContent('At 03:30 on Monday through Friday (Europe/Berlin).');
    expect(within(reading).getAllByRole('listitem')).toHaveLength(3);
    for (const item of within(reading).getAllByRole('listitem')) expect(item).toHaveTextContent(/(Mon|Tue|Wed|Thu|Fri), .* 03:30$/);

    await retype(user, field('Schedule (cron)'), '@daily');
    expect(screen.getByRole('status', { name: 'Schedule reading' })).toHaveTextContent('Once a day, at 00:00 (Europe/Berlin).');
    await retype(user, field('Schedule (cron)'), '61 * * * *');
    expect(screen.getByRole('status')).toHaveTextContent("The minute field '61': 61 is outside 0-59.");

    await pick(user, 'Concurrency policy', 'Skip a run while one is running');
    await user.type(field('Completions'), '3');
    await user.click(screen.getByRole('button', { name: 'History and deadlines' }));
    await user.type(field('Failed Jobs kept'), '5');
    expect(values().workloads?.[0]).toMatchObject({
      cronJob: { schedule: '61 * * * *', timeZone: 'Europe/Berlin', concurrencyPolicy: 'Forbid', failedJobsHistoryLimit: 5 },
      job: { completions: 3 },
    });
  });
});
