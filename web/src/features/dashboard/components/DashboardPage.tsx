import { Badge, Button, Card, Group, SimpleGrid, Text, ThemeIcon, Tooltip } from '@mantine/core';
import { IconCloudUpload, IconForms, IconPlus, IconRocket, IconServer2 } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { EmptyState } from '../../../components/ui/EmptyState';
import { PageHeader } from '../../../components/ui/PageHeader';
import { useCurrentUser } from '../../auth/currentUser';

interface Step {
  icon: ReactNode;
  title: string;
  text: string;
}

const steps: Step[] = [
  {
    icon: <IconServer2 size={20} stroke={1.6} />,
    title: 'Connect a cluster',
    text: 'Point KubeChart at a Kubernetes cluster with a kubeconfig or a service account token.',
  },
  {
    icon: <IconForms size={20} stroke={1.6} />,
    title: 'Describe your application',
    text: 'Fill in image, ports, storage and routing. The manifests are rendered as you type.',
  },
  {
    icon: <IconCloudUpload size={20} stroke={1.6} />,
    title: 'Deploy and follow',
    text: 'Apply with one click, watch every resource become ready, roll back any revision.',
  },
];

export function DashboardPage() {
  const user = useCurrentUser();
  return (
    <>
      <PageHeader
        title={`Welcome, ${user.displayName || user.username}`}
        description="Your applications and their status across clusters."
      />
      <EmptyState
        icon={<IconRocket size={36} stroke={1.5} />}
        title="Create your first application"
        action={
          <Tooltip label="Application forms arrive in the next release" withArrow>
            <Button
              leftSection={<IconPlus size={16} />}
              size="md"
              mt="xs"
              data-disabled
              aria-disabled="true"
              onClick={(event) => event.preventDefault()}
            >
              New application
            </Button>
          </Tooltip>
        }
      >
        You have no applications yet. Describe a workload in a form and KubeChart turns it into Kubernetes
        manifests, deploys them and shows you how they are doing.
      </EmptyState>
      <Group mt={40} mb="md" gap="xs">
        <Text fw={650}>How it works</Text>
        <Badge variant="light" size="sm">
          3 steps
        </Badge>
      </Group>
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="md">
        {steps.map((step, index) => (
          <Card key={step.title} withBorder padding="lg">
            <Group gap="sm" mb="xs" wrap="nowrap">
              <ThemeIcon variant="light" size={36} radius="md">
                {step.icon}
              </ThemeIcon>
              <Text fw={600}>
                {index + 1}. {step.title}
              </Text>
            </Group>
            <Text size="sm" c="dimmed">
              {step.text}
            </Text>
          </Card>
        ))}
      </SimpleGrid>
    </>
  );
}
