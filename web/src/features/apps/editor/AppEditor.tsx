import { Alert, Badge, Button, Group, NavLink, Paper, SegmentedControl, Stack, Text, Title, VisuallyHidden } from '@mantine/core';
import { IconArrowRight, IconDeviceFloppy } from '@tabler/icons-react';
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { FormProvider, useForm } from 'react-hook-form';
import { useNavigate } from 'react-router';
import type { AppSpec } from '../../../api/appspec';
import type { Deployment } from '../../../api/types';
import { countWithin, FormIssuesProvider, type FormIssues } from '../../../lib/form/issues';
import { toFormPath, type PathMessage } from '../../../lib/form/paths';
import { ApiError, errorMessage } from '../../../lib/http';
import { useCreateDeployment, useUpdateDeployment } from '../api/deployments';
import { clearDraft, writeDraft } from './draft';
import { pruneCleared } from './prune';
import { AccessSection } from './sections/AccessSection';
import { AdvancedSection } from './sections/AdvancedSection';
import { BasicsSection } from './sections/BasicsSection';
import { ConfigSection } from './sections/ConfigSection';
import { NetworkingSection } from './sections/NetworkingSection';
import { StorageSection } from './sections/StorageSection';
import { TlsSection } from './sections/TlsSection';
import { WorkloadsSection } from './sections/WorkloadsSection';
import { sections, type SectionId } from './sections';
import { PreviewPanel } from './PreviewPanel';
import { useLivePreview } from './useLivePreview';
import { YamlSpecEditor } from './YamlSpecEditor';
import classes from './Editor.module.css';

export interface EditorStart {
  spec: AppSpec;
  clusterId: string | null;
  /** Set when the start came from a draft saved earlier in this browser. */
  restored: boolean;
}

const DRAFT_DELAY_MS = 400;

/**
 * The application editor: one form state for the whole AppSpec, sections with their error counts, the
 * same spec as YAML, and the rendered manifests beside it. Saving creates or updates the record and
 * opens the review against the cluster.
 */
export function AppEditor({
  start,
  draftKey,
  deployment,
  actions,
  onDiscardDraft,
  onUnsavedChange,
}: {
  start: EditorStart;
  draftKey: string;
  deployment?: Deployment;
  /** More ways to start, shown beside Save (the new-application page offers import). */
  actions?: ReactNode;
  onDiscardDraft: () => void;
  /**
   * Whether the form holds changes not saved to the server, for the page's leave guard; told `false`
   * before a successful save navigates to the review.
   */
  onUnsavedChange?: (unsaved: boolean) => void;
}) {
  const navigate = useNavigate();
  const form = useForm<AppSpec>({ defaultValues: start.spec, mode: 'onChange' });
  const [clusterId, setClusterId] = useState(start.clusterId);
  const [section, setSection] = useState<SectionId>('basics');
  const [view, setView] = useState<'form' | 'yaml'>('form');
  const [changed, setChanged] = useState(start.restored);
  const [saveErrors, setSaveErrors] = useState<PathMessage[]>([]);
  const [saveFailure, setSaveFailure] = useState<string | null>(null);
  const create = useCreateDeployment();
  const update = useUpdateDeployment(deployment?.id ?? '');
  const clusterRef = useRef(clusterId);
  clusterRef.current = clusterId;

  const currentSpec = useCallback(() => pruneCleared(form.getValues()), [form]);
  const preview = useLivePreview(currentSpec);
  const { refresh } = preview;

  // The draft is written a moment after the last change; a save cancels what is still pending, or the
  // draft would come back after the save cleared it.
  const draft = useMemo(() => {
    let timer: number | undefined;
    return {
      schedule() {
        window.clearTimeout(timer);
        timer = window.setTimeout(
          () => writeDraft(draftKey, { spec: currentSpec(), clusterId: clusterRef.current, basedOn: deployment?.revision ?? null }),
          DRAFT_DELAY_MS,
        );
      },
      discard() {
        window.clearTimeout(timer);
        clearDraft(draftKey);
      },
    };
  }, [draftKey, currentSpec, deployment?.revision]);

  // Runs on every keystroke: state is only set when it changes, so typing re-renders the field alone.
  const touched = useCallback(() => {
    refresh();
    setChanged(true);
    setSaveErrors((errors) => (errors.length === 0 ? errors : []));
    setSaveFailure(null);
    draft.schedule();
  }, [refresh, draft]);

  useEffect(() => {
    const subscription = form.watch(() => touched());
    return () => subscription.unsubscribe();
  }, [form, touched]);

  useEffect(() => onUnsavedChange?.(changed), [changed, onUnsavedChange]);

  const issues: FormIssues = useMemo(
    () => ({ errors: [...saveErrors, ...preview.errors], warnings: preview.warnings }),
    [saveErrors, preview.errors, preview.warnings],
  );

  const changeCluster = (id: string | null) => {
    setClusterId(id);
    clusterRef.current = id;
    touched();
  };

  const replaceFromYaml = (spec: AppSpec) => {
    form.reset(spec, { keepDefaultValues: true });
    touched();
  };

  const save = form.handleSubmit(async () => {
    if (clusterId === null) {
      setSaveFailure('Pick the cluster to deploy to (Basics).');
      setSection('basics');
      return;
    }
    try {
      const spec = currentSpec();
      const saved = deployment
        ? await update.mutateAsync({
            spec,
            revision: deployment.revision,
            ...(deployment.appliedRevision === null ? { clusterId } : {}),
          })
        : await create.mutateAsync({ spec, clusterId });
      draft.discard();
      setChanged(false);
      onUnsavedChange?.(false);
      navigate(`/apps/${saved.id}/review`);
    } catch (error) {
      const fields = error instanceof ApiError ? error.fields : [];
      setSaveErrors(fields.map((field) => ({ path: toFormPath(field.path), message: field.message })));
      setSaveFailure(fields.length > 0 ? 'The server refused some fields; they are marked in the form.' : errorMessage(error));
    }
  });

  const sectionBody: Record<SectionId, ReactNode> = {
    basics: <BasicsSection clusterId={clusterId} onClusterChange={changeCluster} clusterLocked={deployment?.appliedRevision != null} />,
    workloads: <WorkloadsSection clusterId={clusterId} />,
    config: <ConfigSection />,
    storage: <StorageSection clusterId={clusterId} />,
    networking: <NetworkingSection clusterId={clusterId} />,
    tls: <TlsSection clusterId={clusterId} />,
    access: <AccessSection />,
    advanced: <AdvancedSection objects={preview.result?.objects ?? []} />,
  };
  const current = sections.find((s) => s.id === section)!;
  const pending = create.isPending || update.isPending;

  return (
    <FormProvider {...form}>
      <FormIssuesProvider issues={issues}>
        <form onSubmit={save} noValidate>
          <Group justify="space-between" mb="md" wrap="nowrap">
            <Stack gap={2}>
              <Title order={2} fz={24}>
                {deployment ? `Edit ${deployment.name}` : 'New application'}
              </Title>
              <Text size="sm" c="dimmed">
                {deployment
                  ? `Revision ${deployment.revision}. Saving makes a new revision; nothing changes in the cluster until you deploy.`
                  : 'Describe it here; the manifests on the right follow as you type.'}
              </Text>
            </Stack>
            <Group gap="sm" wrap="nowrap">
              {actions}
              <SegmentedControl
                value={view}
                onChange={(value) => setView(value === 'yaml' ? 'yaml' : 'form')}
                data={[
                  { value: 'form', label: 'Form' },
                  { value: 'yaml', label: 'YAML' },
                ]}
                aria-label="Edit as"
              />
              <Button type="submit" loading={pending} rightSection={<IconArrowRight size={16} />}>
                Save and review
              </Button>
            </Group>
          </Group>
          {start.restored && (
            <Alert color="blue" variant="light" mb="md" icon={<IconDeviceFloppy size={18} />}>
              <Group justify="space-between">
                <Text size="sm">Your unsaved changes from earlier were restored.</Text>
                <Button size="xs" variant="subtle" onClick={onDiscardDraft}>
                  Discard them
                </Button>
              </Group>
            </Alert>
          )}
          {saveFailure && (
            <Alert color="red" variant="light" mb="md" role="alert">
              {saveFailure}
            </Alert>
          )}
          <div className={classes.layout}>
            <nav className={classes.nav} aria-label="Sections">
              {sections.map((s) => {
                const errors = countWithin(issues.errors, s.paths);
                return (
                  <NavLink
                    key={s.id}
                    component="button"
                    type="button"
                    label={s.label}
                    active={view === 'form' && section === s.id}
                    onClick={() => {
                      setSection(s.id);
                      setView('form');
                    }}
                    rightSection={
                      errors > 0 ? (
                        <Badge size="xs" color="red" variant="filled">
                          <span aria-hidden>{errors}</span>
                          <VisuallyHidden>{`${errors} error${errors === 1 ? '' : 's'}`}</VisuallyHidden>
                        </Badge>
                      ) : null
                    }
                  />
                );
              })}
            </nav>
            <Paper withBorder p="lg">
              {view === 'form' ? (
                <Stack gap="md">
                  <Title order={3} fz={18}>
                    {current.label}
                  </Title>
                  {sectionBody[section]}
                </Stack>
              ) : (
                <YamlSpecEditor initial={currentSpec()} onChange={replaceFromYaml} />
              )}
            </Paper>
            <PreviewPanel preview={preview} />
          </div>
        </form>
      </FormIssuesProvider>
    </FormProvider>
  );
}
