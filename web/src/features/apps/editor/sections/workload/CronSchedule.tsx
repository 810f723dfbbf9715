import { List, SimpleGrid, Stack, Text } from '@mantine/core';
import { useMemo } from 'react';
import { useWatch } from 'react-hook-form';
import { NumberField, SelectField, SwitchField, TextField } from '../../../../../components/form/fields';
import { describeSchedule, formatRun, isTimeZone, nextRuns, parseCron } from './cron';
import { MoreSettings } from './fields';

const CONCURRENCY = [
  { value: 'Allow', label: 'Allow overlapping runs' },
  { value: 'Forbid', label: 'Skip a run while one is running' },
  { value: 'Replace', label: 'Replace the running Job' },
];

/** What the schedule says and when it runs next, read in the browser as a hint (the server judges). */
function ScheduleReading({ schedule, timeZone, now }: { schedule: string; timeZone: string | undefined; now: () => Date }) {
  const reading = useMemo(() => {
    if (schedule.trim() === '') return null;
    const parsed = parseCron(schedule);
    if (!parsed.ok) return { error: parsed.error };
    const zone = timeZone && isTimeZone(timeZone) ? timeZone : 'UTC';
    return {
      words: describeSchedule(parsed.schedule),
      zone,
      runs: nextRuns(parsed.schedule, now(), 3, zone).map((run) => formatRun(run, zone)),
      unknownZone: Boolean(timeZone) && zone !== timeZone,
    };
  }, [schedule, timeZone, now]);
  if (reading === null) return null;
  if ('error' in reading) {
    return (
      <Text size="sm" c="var(--mantine-color-error)" role="status">
        {reading.error}.
      </Text>
    );
  }
  return (
    <Stack gap={2} role="status" aria-label="Schedule reading">
      <Text size="sm">
        {reading.words}
        {timeZone ? ` (${reading.zone})` : ' (UTC, unless the cluster runs in another zone)'}.
      </Text>
      {reading.unknownZone && (
        <Text size="sm" c="dimmed">
          This browser does not know the time zone {timeZone}; the times below are in UTC.
        </Text>
      )}
      {reading.runs.length === 0 ? (
        <Text size="sm" c="dimmed">
          It never runs: no date matches.
        </Text>
      ) : (
        <>
          <Text size="sm" c="dimmed">
            Next runs:
          </Text>
          <List size="sm" c="dimmed" spacing={0}>
            {reading.runs.map((run) => (
              <List.Item key={run}>{run}</List.Item>
            ))}
          </List>
        </>
      )}
    </Stack>
  );
}

const systemNow = () => new Date();

/** A CronJob's schedule with its reading, its time zone and what happens when runs meet. */
export function CronSchedule({ base, now = systemNow }: { base: string; now?: () => Date }) {
  const schedule = (useWatch({ name: `${base}.cronJob.schedule` }) as string | undefined) ?? '';
  const timeZone = (useWatch({ name: `${base}.cronJob.timeZone` }) as string | null | undefined) ?? undefined;
  return (
    <Stack gap="sm">
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
        <TextField name={`${base}.cronJob.schedule`} label="Schedule (cron)" required monospace placeholder="0 3 * * *" />
        <TextField name={`${base}.cronJob.timeZone`} label="Time zone" optional placeholder="Etc/UTC" />
        <SelectField name={`${base}.cronJob.concurrencyPolicy`} label="Concurrency policy" data={CONCURRENCY} clearable placeholder="Allow overlapping runs" />
      </SimpleGrid>
      <ScheduleReading schedule={schedule} timeZone={timeZone} now={now} />
      <SwitchField name={`${base}.cronJob.suspend`} label="Suspended" />
      <MoreSettings
        label="History and deadlines"
        paths={[`${base}.cronJob.successfulJobsHistoryLimit`, `${base}.cronJob.failedJobsHistoryLimit`, `${base}.cronJob.startingDeadlineSeconds`]}
      >
        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
          <NumberField name={`${base}.cronJob.successfulJobsHistoryLimit`} label="Successful Jobs kept" min={0} placeholder="3" />
          <NumberField name={`${base}.cronJob.failedJobsHistoryLimit`} label="Failed Jobs kept" min={0} placeholder="1" />
          <NumberField
            name={`${base}.cronJob.startingDeadlineSeconds`}
            label="Starting deadline (seconds)"
            min={0}
            placeholder="no deadline"
            description="How late a missed run may still start."
          />
        </SimpleGrid>
      </MoreSettings>
    </Stack>
  );
}
