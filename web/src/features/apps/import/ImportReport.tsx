import { Accordion, Badge, Code, Group, Paper, SimpleGrid, Stack, Text } from '@mantine/core';
import type { ImportOutcome, ImportReport as Report, ObjectReport } from '../api/importReport';

const outcomeBadges: Record<ImportOutcome, { label: string; color: string }> = {
  form: { label: 'Form', color: 'green' },
  extraObject: { label: 'Extra object', color: 'blue' },
  refused: { label: 'Refused', color: 'red' },
};

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

function Stat({ name, value, label }: { name: string; value: number; label: string }) {
  return (
    <Paper withBorder p="sm" data-stat={name}>
      <Text fz={22} fw={650} lh={1.2}>
        {value}
      </Text>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
    </Paper>
  );
}

/** The totals: how many objects landed where, and how many of their fields the form shows. */
function Summary({ summary }: { summary: Report['summary'] }) {
  return (
    <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }} spacing="sm" aria-label="Summary" role="group">
      <Stat name="objects" value={summary.objects} label={summary.objects === 1 ? 'object read' : 'objects read'} />
      <Stat name="formEntries" value={summary.formEntries} label="in form entries" />
      <Stat name="extraObjects" value={summary.extraObjects} label="kept as extra objects" />
      <Stat name="refused" value={summary.refused} label="refused" />
      <Stat name="formFields" value={summary.formFields} label="fields in the form" />
      <Stat name="overrideFields" value={summary.overrideFields} label="fields in overrides" />
    </SimpleGrid>
  );
}

/** One list of object fields (`spec.template.spec.dnsPolicy`), under what became of them. */
function FieldList({ title, hint, fields }: { title: string; hint: string; fields: string[] }) {
  if (fields.length === 0) return null;
  return (
    <Stack gap={4} data-fields={title}>
      <Text size="sm" fw={600}>
        {title} <Text span c="dimmed" size="sm" fw={400}>({fields.length}) · {hint}</Text>
      </Text>
      <Group gap={4}>
        {fields.map((field) => (
          <Code key={field}>{field}</Code>
        ))}
      </Group>
    </Stack>
  );
}

function where(object: ObjectReport): string {
  const parts = [`document ${object.document + 1}`];
  if (object.source) parts.push(object.source);
  if (object.entry) parts.push(`→ ${object.entry}`);
  return parts.join(' · ');
}

function counts(object: ObjectReport): string | null {
  if (object.outcome === 'refused') return null;
  if (object.outcome === 'extraObject') return `${plural(object.fields, 'field')} kept as written`;
  return `${object.formFields.length} in the form · ${object.overrideFields.length} in the override`;
}

function ObjectItem({ object, value }: { object: ObjectReport; value: string }) {
  const badge = outcomeBadges[object.outcome];
  const label = `${object.kind}/${object.name || '(no name)'}`;
  return (
    <Accordion.Item value={value} data-object={label} data-outcome={object.outcome}>
      <Accordion.Control>
        <Group justify="space-between" wrap="nowrap" gap="sm">
          <Group gap="sm" wrap="nowrap" miw={0}>
            <Badge color={badge.color} variant="light" w={124} style={{ flexShrink: 0 }}>
              {badge.label}
            </Badge>
            <Stack gap={0} miw={0}>
              <Text ff="monospace" size="sm" fw={600} truncate>
                {label}
              </Text>
              <Text size="xs" c="dimmed" truncate>
                {where(object)}
              </Text>
            </Stack>
          </Group>
          <Text size="xs" c="dimmed" style={{ flexShrink: 0 }}>
            {counts(object)}
          </Text>
        </Group>
      </Accordion.Control>
      <Accordion.Panel>
        <Stack gap="sm">
          {object.reason && (
            <Text size="sm" c={object.outcome === 'refused' ? 'red' : undefined} data-reason>
              {object.reason}
            </Text>
          )}
          <FieldList title="In the form" hint={`the form entry ${object.entry ?? ''} shows them`} fields={object.formFields} />
          <FieldList title="In the override" hint="the form does not model them; they are kept and applied as written" fields={object.overrideFields} />
          <FieldList title="Removed by the override" hint="the form would add them; the object does not have them" fields={object.removedFields} />
          <FieldList title="Left out" hint="set by the cluster, or equal to its default" fields={object.droppedFields} />
        </Stack>
      </Accordion.Panel>
    </Accordion.Item>
  );
}

/**
 * What an import did with every object: the totals, then per object where it went (a form entry, an
 * extra object kept as written, or refused with the reason) and which of its fields the form shows.
 * Refused objects are open from the start: they are what a person has to act on.
 */
export function ImportReport({ report }: { report: Report }) {
  // Keyed by position: the objects of one `List` document share its index.
  const refused = report.objects.flatMap((o, index) => (o.outcome === 'refused' ? [String(index)] : []));
  return (
    <Stack gap="md">
      <Summary summary={report.summary} />
      <Accordion multiple variant="separated" defaultValue={refused} chevronPosition="left">
        {report.objects.map((object, index) => (
          <ObjectItem key={index} value={String(index)} object={object} />
        ))}
      </Accordion>
    </Stack>
  );
}
