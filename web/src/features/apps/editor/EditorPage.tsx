import { Skeleton } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useLocation, useParams, useSearchParams } from 'react-router';
import type { AppSpec } from '../../../api/appspec';
import { ErrorState } from '../../../components/ui/ErrorState';
import { Loading } from '../../../components/ui/Loading';
import { errorMessage } from '../../../lib/http';
import { useClusters } from '../../../api/clusters';
import { useDeployment } from '../api/deployments';
import { AppEditor, type EditorStart } from './AppEditor';
import { clearDraft, readDraft } from './draft';
import { importedSpecOf } from './imported';
import { ImportMenu } from '../import/ImportMenu';
import { loadTemplate } from './templates';

/** A new application starts with one Deployment running one container, the most common shape. */
const blankSpec: AppSpec = {
  name: '',
  namespace: 'default',
  workloads: [{ name: 'web', kind: 'Deployment', replicas: 1, containers: [{ name: 'web', image: '' }] }],
};

function EditorSkeleton() {
  return (
    <Loading label="Loading the editor" gap="md">
      <Skeleton h={40} w="40%" />
      <Skeleton h={480} />
    </Loading>
  );
}

/**
 * `/apps/new` (blank, `?template=<example>`, `?from=<id>` to duplicate, or an imported spec in the
 * history state): a blank start takes the draft if one is kept.
 */
export function NewApplicationPage() {
  const [params] = useSearchParams();
  const template = params.get('template');
  const from = params.get('from');
  const imported = importedSpecOf(useLocation().state);
  const draftKey = 'new';
  const clusters = useClusters();
  const [start, setStart] = useState<EditorStart | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  const source = useDeployment(from ?? '');

  useEffect(() => {
    if (!clusters.data || (from && !source.data)) return;
    const draft = generation === 0 && !template && !from && !imported ? readDraft(draftKey) : null;
    const onlyCluster = clusters.data.length === 1 ? clusters.data[0]!.id : null;
    if (draft) {
      setStart({ spec: draft.spec, clusterId: draft.clusterId ?? onlyCluster, restored: true });
      return;
    }
    if (imported) {
      setStart({ spec: imported, clusterId: onlyCluster, restored: false });
      return;
    }
    if (from && source.data) {
      const spec = { ...(source.data.spec as AppSpec), name: `${source.data.name}-copy` };
      setStart({ spec, clusterId: source.data.clusterId, restored: false });
      return;
    }
    if (template) {
      loadTemplate(template).then((spec) => {
        if (spec) setStart({ spec, clusterId: onlyCluster, restored: false });
        else setFailure(`There is no template named ${template}.`);
      });
      return;
    }
    setStart({ spec: blankSpec, clusterId: onlyCluster, restored: false });
  }, [clusters.data, template, from, imported, source.data, generation]);

  if (failure) return <ErrorState message={failure} />;
  if (clusters.isError) return <ErrorState message={errorMessage(clusters.error)} onRetry={() => clusters.refetch()} />;
  if (start === null) return <EditorSkeleton />;
  return (
    <AppEditor
      key={generation}
      start={start}
      draftKey={draftKey}
      actions={<ImportMenu />}
      onDiscardDraft={() => {
        clearDraft(draftKey);
        setStart(null);
        setGeneration((g) => g + 1);
      }}
    />
  );
}

/** `/apps/:id/edit`: the current revision, or this browser's unsaved draft of it. */
export function EditApplicationPage() {
  const { id = '' } = useParams();
  const deployment = useDeployment(id);
  const [generation, setGeneration] = useState(0);
  const draftKey = id;
  if (deployment.isPending) return <EditorSkeleton />;
  if (deployment.isError) return <ErrorState message={errorMessage(deployment.error)} onRetry={() => deployment.refetch()} />;
  const draft = readDraft(draftKey);
  const usable = draft !== null && draft.basedOn === deployment.data.revision;
  const start: EditorStart = usable
    ? { spec: draft.spec, clusterId: draft.clusterId, restored: true }
    : { spec: deployment.data.spec as AppSpec, clusterId: deployment.data.clusterId, restored: false };
  return (
    <AppEditor
      key={`${deployment.data.revision}-${generation}`}
      start={start}
      draftKey={draftKey}
      deployment={deployment.data}
      onDiscardDraft={() => {
        clearDraft(draftKey);
        setGeneration((g) => g + 1);
      }}
    />
  );
}
