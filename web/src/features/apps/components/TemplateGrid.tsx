import { Card, SimpleGrid, Skeleton, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { Loading } from '../../../components/ui/Loading';
import { listTemplates } from '../editor/templates';

/** The repository's examples, each a link that opens the editor with it filled in. */
export function TemplateGrid() {
  const templates = useQuery({ queryKey: ['templates'], queryFn: listTemplates, staleTime: Infinity });
  if (templates.isPending) {
    return (
      <Loading label="Loading the templates">
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }}>
          {[0, 1, 2, 3].map((i) => (
            <Skeleton key={i} h={96} radius="lg" />
          ))}
        </SimpleGrid>
      </Loading>
    );
  }
  return (
    <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }}>
      {(templates.data ?? []).map((template) => (
        <Card
          key={template.id}
          withBorder
          padding="md"
          component={Link}
          to={`/apps/new?template=${encodeURIComponent(template.id)}`}
          aria-label={`Start from ${template.title}`}
        >
          <Text fw={600} size="sm" mb={4}>
            {template.title}
          </Text>
          <Text size="xs" c="dimmed" lineClamp={3}>
            {template.description}
          </Text>
        </Card>
      ))}
    </SimpleGrid>
  );
}
