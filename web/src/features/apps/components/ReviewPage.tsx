import { Alert, Anchor, Button, Checkbox, Group, Skeleton, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconRocket } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import type { PlanAction } from '../../../api/types';
import { ErrorState } from '../../../components/ui/ErrorState';
import { Loading } from '../../../components/ui/Loading';
import { PageHeader } from '../../../components/ui/PageHeader';
import { errorMessage } from '../../../lib/http';
import { useDeployment } from '../api/deployments';
import { isOperationFinished, useDeploy, useOperation, usePlan } from '../api/deploy';
import { useLiveUpdates } from '../api/useLiveUpdates';
import { ActionBadge, PlanList } from './PlanList';
import { OperationProgress } from './OperationProgress';

const order: PlanAction[] = ['create', 'update', 'adopt', 'prune', 'release', 'unchanged'];

/** The plan against the live cluster, then Deploy, then live progress per object. */
export function ReviewPage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const deployment = useDeployment(id);
  const plan = usePlan(id);
  const deploy = useDeploy(id);
  const [operationId, setOperationId] = useState<string | null>(null);
  const [adopt, setAdopt] = useState(false);
  const operation = useOperation(id, operationId);
  useLiveUpdates(operationId === null ? null : { deploymentId: id });

  useEffect(() => {
    const done = operation.data;
    if (!done || !isOperationFinished(done)) return;
    if (done.state === 'succeeded') {
      notifications.show({ color: 'green', title: 'Deployed', message: `${deployment.data?.name ?? 'The application'} was applied.` });
      navigate(`/apps/${id}`);
    }
  }, [operation.data, deployment.data?.name, id, navigate]);

  if (plan.isError) {
    return (
      <>
        <PageHeader title={`Review ${deployment.data?.name ?? ''}`} />
        <ErrorState message={errorMessage(plan.error)} onRetry={() => plan.refetch()} />
        <Group justify="center">
          <Anchor component={Link} to={`/apps/${id}/edit`}>
            Back to the editor
          </Anchor>
        </Group>
      </>
    );
  }

  const counts = plan.data ? order.map((action) => [action, plan.data.objects.filter((o) => o.action === action).length] as const) : [];
  const adopting = plan.data?.objects.some((o) => o.action === 'adopt') ?? false;
  // An application imported from its cluster takes its own objects over on the first deploy.
  const imported = deployment.data?.adoptsOnDeploy ?? false;
  const needsAdopt = adopting && !imported;
  const blocked = plan.data?.objects.some((o) => o.failure) ?? false;

  const start = async () => {
    try {
      const accepted = await deploy.mutateAsync({ revision: plan.data?.revision, adopt });
      setOperationId(accepted.operationId);
    } catch (error) {
      notifications.show({ color: 'red', title: 'Deploy refused', message: errorMessage(error) });
    }
  };

  return (
    <>
      <PageHeader
        title={`Review ${deployment.data?.name ?? ''}`}
        description={plan.data ? `Revision ${plan.data.revision} against the live cluster.` : 'Comparing with the live cluster…'}
        actions={
          <Group>
            <Button component={Link} to={`/apps/${id}/edit`} variant="default">
              Edit
            </Button>
            <Button
              leftSection={<IconRocket size={16} />}
              onClick={start}
              loading={deploy.isPending || (operation.data !== undefined && !isOperationFinished(operation.data))}
              disabled={!plan.data || blocked || (needsAdopt && !adopt) || operationId !== null}
            >
              Deploy
            </Button>
          </Group>
        }
      />
      {operation.data && (
        <Stack mb="lg">
          <OperationProgress operation={operation.data} />
          {isOperationFinished(operation.data) && operation.data.state !== 'succeeded' && (
            <Group>
              <Button variant="default" onClick={() => { setOperationId(null); plan.refetch(); }}>
                Review again
              </Button>
              <Button component={Link} to={`/apps/${id}`} variant="subtle">
                Open the application
              </Button>
            </Group>
          )}
        </Stack>
      )}
      {plan.isPending && (
        <Loading label="Loading the plan" gap="sm">
          {[0, 1, 2, 3].map((i) => (
            <Skeleton key={i} h={48} radius="md" />
          ))}
        </Loading>
      )}
      {plan.data && operationId === null && (
        <Stack gap="md">
          <Group gap="lg">
            {counts
              .filter(([, n]) => n > 0)
              .map(([action, n]) => (
                <Group key={action} gap={6}>
                  <ActionBadge action={action} />
                  <Text size="sm">{n}</Text>
                </Group>
              ))}
          </Group>
          {!plan.data.hasChanges && (
            <Alert color="green" variant="light">
              The cluster already matches this revision; deploying changes nothing.
            </Alert>
          )}
          {blocked && (
            <Alert color="red" variant="light" title="Some objects cannot be applied">
              Open them below for the reason, then fix the spec in the editor.
            </Alert>
          )}
          {adopting && imported && (
            <Alert color="blue" variant="light" title="Imported from the cluster">
              The objects marked adopt are the ones the import read; deploying takes them over where they run, without
              recreating them.
            </Alert>
          )}
          {needsAdopt && (
            <Checkbox
              checked={adopt}
              onChange={(event) => setAdopt(event.currentTarget.checked)}
              label="Take over the objects marked adopt; they then belong to this application"
            />
          )}
          <PlanList objects={plan.data.objects} />
        </Stack>
      )}
    </>
  );
}
