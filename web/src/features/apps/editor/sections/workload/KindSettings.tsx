import { SimpleGrid, Stack } from '@mantine/core';
import { useWatch } from 'react-hook-form';
import type { WorkloadKind } from '../../../../../api/appspec';
import { NumberField, SelectField, TextField } from '../../../../../components/form/fields';
import { ClaimTemplates } from './ClaimTemplates';
import { CronSchedule } from './CronSchedule';
import { CountOrPercentField, MoreSettings } from './fields';

const STRATEGIES: Partial<Record<WorkloadKind, string[]>> = {
  Deployment: ['RollingUpdate', 'Recreate'],
  StatefulSet: ['RollingUpdate', 'OnDelete'],
  DaemonSet: ['RollingUpdate', 'OnDelete'],
};

const RESTART_POLICIES: Partial<Record<WorkloadKind, string[]>> = {
  Pod: ['Always', 'OnFailure', 'Never'],
  Job: ['OnFailure', 'Never'],
  CronJob: ['OnFailure', 'Never'],
};

/** Replicas and the update strategy of the kinds that roll out (Deployment, StatefulSet, DaemonSet, ReplicaSet). */
function Rollout({ base, kind }: { base: string; kind: WorkloadKind }) {
  const strategyType = useWatch({ name: `${base}.strategy.type` }) as string | undefined;
  const strategies = STRATEGIES[kind];
  const rolling = strategies !== undefined && (strategyType ?? 'RollingUpdate') === 'RollingUpdate';
  return (
    <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
      {(kind === 'Deployment' || kind === 'StatefulSet' || kind === 'ReplicaSet') && (
        <NumberField name={`${base}.replicas`} label="Replicas" min={0} placeholder="1" />
      )}
      {strategies && (
        <SelectField
          name={`${base}.strategy.type`}
          label="Update strategy"
          data={strategyType && !strategies.includes(strategyType) ? [...strategies, strategyType] : strategies}
          clearable
          placeholder="RollingUpdate"
        />
      )}
      {rolling && kind !== 'StatefulSet' && (
        <CountOrPercentField name={`${base}.strategy.maxSurge`} label="Max surge" placeholder={kind === 'DaemonSet' ? '0' : '25%'} description="Extra pods during a rollout." />
      )}
      {rolling && (
        <CountOrPercentField
          name={`${base}.strategy.maxUnavailable`}
          label="Max unavailable"
          placeholder={kind === 'Deployment' ? '25%' : '1'}
          description="Pods that may be down during a rollout."
        />
      )}
    </SimpleGrid>
  );
}

function StatefulSetSettings({ base, clusterId }: { base: string; clusterId: string | null | undefined }) {
  return (
    <Stack gap="sm">
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
        <TextField name={`${base}.statefulSet.serviceName`} label="Governing Service" optional monospace placeholder="the workload's name" description="The headless Service giving the pods their DNS names." />
        <SelectField
          name={`${base}.statefulSet.podManagementPolicy`}
          label="Pod management policy"
          data={[
            { value: 'OrderedReady', label: 'One at a time, in order' },
            { value: 'Parallel', label: 'All at once' },
          ]}
          clearable
          placeholder="One at a time, in order"
        />
      </SimpleGrid>
      <ClaimTemplates base={base} clusterId={clusterId} />
    </Stack>
  );
}

function JobSettings({ base }: { base: string }) {
  return (
    <Stack gap="sm">
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
        <NumberField name={`${base}.job.completions`} label="Completions" min={1} placeholder="1" />
        <NumberField name={`${base}.job.parallelism`} label="Parallelism" min={0} placeholder="1" description="Pods running at once." />
        <NumberField name={`${base}.job.backoffLimit`} label="Retries (backoff limit)" min={0} placeholder="6" />
      </SimpleGrid>
      <MoreSettings label="Job deadlines and clean-up" paths={[`${base}.job.activeDeadlineSeconds`, `${base}.job.ttlSecondsAfterFinished`]}>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <NumberField name={`${base}.job.activeDeadlineSeconds`} label="Active deadline (seconds)" min={1} placeholder="no deadline" description="The Job is stopped after running this long." />
          <NumberField
            name={`${base}.job.ttlSecondsAfterFinished`}
            label="Delete finished Job after (seconds)"
            min={0}
            placeholder="kept"
            description="A finished Job and its pods are deleted after this long."
          />
        </SimpleGrid>
      </MoreSettings>
    </Stack>
  );
}

/**
 * What only some kinds have: replicas and the update strategy, the StatefulSet's Service and claim
 * templates, Job limits, the schedule. Settings of other kinds stay in the spec when the kind changes.
 */
export function KindSettings({ base, clusterId }: { base: string; clusterId: string | null | undefined }) {
  const kind = (useWatch({ name: `${base}.kind` }) as WorkloadKind | undefined) ?? 'Deployment';
  const restartPolicies = RESTART_POLICIES[kind];
  return (
    <Stack gap="sm">
      <Rollout base={base} kind={kind} />
      {kind === 'StatefulSet' && <StatefulSetSettings base={base} clusterId={clusterId} />}
      {kind === 'CronJob' && <CronSchedule base={base} />}
      {(kind === 'Job' || kind === 'CronJob') && <JobSettings base={base} />}
      {restartPolicies && (
        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
          <SelectField name={`${base}.restartPolicy`} label="Restart policy" data={restartPolicies} clearable placeholder={kind === 'Pod' ? 'Always' : 'OnFailure'} />
        </SimpleGrid>
      )}
    </Stack>
  );
}
