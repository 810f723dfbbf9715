import { Button, Group, Modal, Skeleton, Text } from '@mantine/core';
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
import { useLeaveGuard, type LeaveGuard } from './useLeaveGuard';

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

/** How long after the last keystroke the editor writes its draft (AppEditor's delay), with a margin. */
const DRAFT_SETTLE_MS = 600;

/**
 * Asks before unsaved changes are left behind, saying what becomes of them: the editor keeps them in
 * this browser's storage (draft.ts) and offers them again when the same editor opens. `restoredBy`
 * says which one. Storage can be full or disabled (the draft is then silently not written), so the
 * dialog looks for the draft rather than promising it.
 */
function LeaveDialog({ guard, draftKey, restoredBy }: { guard: LeaveGuard; draftKey: string; restoredBy: string }) {
  const [kept, setKept] = useState(true);
  const { asking } = guard;
  useEffect(() => {
    if (!asking) return undefined;
    const look = () => setKept(readDraft(draftKey) !== null);
    look();
    // A change made just before leaving is written a moment later.
    const timer = window.setTimeout(look, DRAFT_SETTLE_MS);
    return () => window.clearTimeout(timer);
  }, [asking, draftKey]);
  return (
    <Modal opened={asking} onClose={guard.stay} title="Leave without saving?" centered>
      <Text size="sm">
        {kept
          ? `Your changes stay as a local draft in this browser only, not on the server: ${restoredBy}`
          : 'This browser could not keep a draft of your changes (its storage is full or turned off): leaving loses them.'}
      </Text>
      <Group justify="flex-end" mt="lg">
        <Button variant="default" onClick={guard.stay} data-autofocus>
          Stay on this page
        </Button>
        <Button color="red.9" onClick={guard.leave}>
          Leave
        </Button>
      </Group>
    </Modal>
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
  const guard = useLeaveGuard();

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
    <>
      <AppEditor
        key={generation}
        start={start}
        draftKey={draftKey}
        actions={<ImportMenu />}
        onUnsavedChange={guard.setDirty}
        onDiscardDraft={() => {
          clearDraft(draftKey);
          setStart(null);
          setGeneration((g) => g + 1);
        }}
      />
      <LeaveDialog
        guard={guard}
        draftKey={draftKey}
        restoredBy="New application brings them back the next time you open it blank (not from a template, a copy or an import, which replace this draft once edited)."
      />
    </>
  );
}

/** `/apps/:id/edit`: the current revision, or this browser's unsaved draft of it. */
export function EditApplicationPage() {
  const { id = '' } = useParams();
  const deployment = useDeployment(id);
  const [generation, setGeneration] = useState(0);
  const draftKey = id;
  const guard = useLeaveGuard();
  if (deployment.isPending) return <EditorSkeleton />;
  if (deployment.isError) return <ErrorState message={errorMessage(deployment.error)} onRetry={() => deployment.refetch()} />;
  const draft = readDraft(draftKey);
  const usable = draft !== null && draft.basedOn === deployment.data.revision;
  const start: EditorStart = usable
    ? { spec: draft.spec, clusterId: draft.clusterId, restored: true }
    : { spec: deployment.data.spec as AppSpec, clusterId: deployment.data.clusterId, restored: false };
  return (
    <>
      <AppEditor
        key={`${deployment.data.revision}-${generation}`}
        start={start}
        draftKey={draftKey}
        deployment={deployment.data}
        onUnsavedChange={guard.setDirty}
        onDiscardDraft={() => {
          clearDraft(draftKey);
          setGeneration((g) => g + 1);
        }}
      />
      <LeaveDialog
        guard={guard}
        draftKey={draftKey}
        restoredBy={`editing ${deployment.data.name} again brings them back, as long as nobody saves a newer revision of it first.`}
      />
    </>
  );
}
