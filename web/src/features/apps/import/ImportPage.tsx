import { Button, Group, Paper, Stack, Tabs } from '@mantine/core';
import { IconArrowLeft, IconArrowRight, IconEdit } from '@tabler/icons-react';
import { useState, type ReactNode } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { PageHeader } from '../../../components/ui/PageHeader';
import type { ClusterImport } from '../api/importFromCluster';
import type { ImportForm, ImportedManifests } from '../api/importManifests';
import type { ImportReport as Report } from '../api/importReport';
import { importedState } from '../editor/imported';
import { ImportClusterForm } from './ImportClusterForm';
import { ImportReport } from './ImportReport';
import { LeftInCluster } from './LeftInCluster';
import { ImportYamlForm } from './ImportYamlForm';

const emptyInput: ImportForm = { yaml: '', namespace: '', name: '' };

type Outcome = { from: 'yaml'; result: ImportedManifests } | { from: 'cluster'; result: ClusterImport };

function objectsRead(report: Report): string {
  const { objects } = report.summary;
  return `${objects} ${objects === 1 ? 'object' : 'objects'}`;
}

/** The report of an import, with what to do next; nothing is opened before the person has read it. */
function ReportStep({
  title,
  description,
  actions,
  report,
  children,
}: {
  title: string;
  description: string;
  actions: ReactNode;
  report: Report;
  children?: ReactNode;
}) {
  return (
    <Stack gap="md">
      <PageHeader title={title} description={description} actions={<Group gap="sm">{actions}</Group>} />
      <ImportReport report={report} />
      {children}
    </Stack>
  );
}

/**
 * `/apps/import` (`?from=cluster` for the cluster tab): existing manifests or a namespace's running
 * objects become an application. The report comes first; the editor (or, for a cluster import, the
 * saved draft) opens from it.
 */
export function ImportPage() {
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const tab = params.get('from') === 'cluster' ? 'cluster' : 'yaml';
  const [input, setInput] = useState<ImportForm>(emptyInput);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const back = (
    <Button variant="default" leftSection={<IconArrowLeft size={16} />} onClick={() => setOutcome(null)}>
      Change the input
    </Button>
  );

  if (outcome?.from === 'yaml') {
    const { spec, report } = outcome.result;
    return (
      <ReportStep
        title={`Import ${spec.name || 'report'}`}
        description={`${objectsRead(report)} read. Check where each one went; fields the form does not show are kept as overrides, so the manifests come out as you wrote them.`}
        report={report}
        actions={
          <>
            {back}
            <Button rightSection={<IconArrowRight size={16} />} onClick={() => navigate('/apps/new', { state: importedState(spec) })}>
              Open in editor
            </Button>
          </>
        }
      />
    );
  }

  if (outcome?.from === 'cluster') {
    const { deployment, report } = outcome.result;
    return (
      <ReportStep
        title={`Import ${deployment.name}`}
        description={`${objectsRead(report)} read from ${deployment.namespace}, saved as a draft. Its first deploy takes them over where they run, without recreating them.`}
        report={report}
        actions={
          <>
            <Button component={Link} to={`/apps/${deployment.id}/edit`} variant="default" leftSection={<IconEdit size={16} />}>
              Open in editor
            </Button>
            <Button component={Link} to={`/apps/${deployment.id}/review`} rightSection={<IconArrowRight size={16} />}>
              Review and deploy
            </Button>
          </>
        }
      >
        <LeftInCluster skipped={report.skipped} unlisted={report.unlisted} />
      </ReportStep>
    );
  }

  return (
    <>
      <PageHeader
        title="Import an application"
        description="Start from what you already have. The report shows where every object and field went before anything opens."
      />
      <Tabs keepMounted={false} value={tab} onChange={(value) => setParams(value === 'cluster' ? { from: 'cluster' } : {}, { replace: true })}>
        <Tabs.List mb="md">
          <Tabs.Tab value="yaml">Paste or upload YAML</Tabs.Tab>
          <Tabs.Tab value="cluster">From a cluster</Tabs.Tab>
        </Tabs.List>
        <Paper withBorder p="lg">
          <Tabs.Panel value="yaml">
            <ImportYamlForm initial={input} onInput={setInput} onImported={(result) => setOutcome({ from: 'yaml', result })} />
          </Tabs.Panel>
          <Tabs.Panel value="cluster">
            <ImportClusterForm onImported={(result) => setOutcome({ from: 'cluster', result })} />
          </Tabs.Panel>
        </Paper>
      </Tabs>
    </>
  );
}
