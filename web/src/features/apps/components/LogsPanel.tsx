import { Alert, Box, Button, Group, NumberInput, Paper, ScrollArea, Select, Switch, Text } from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';
import { useEffect, useMemo, useRef, useState } from 'react';
import { errorMessage, sentence } from '../../../lib/http';
import { useResources } from '../api/live';
import { streamLogs } from '../api/logs';

const MAX_CHARS = 2_000_000;

/** A container's log with pod and container pickers, tail, previous instance, follow and download. */
export function LogsPanel({ id }: { id: string }) {
  const resources = useResources(id);
  const pods = useMemo(() => resources.data?.objects.flatMap((object) => object.pods ?? []) ?? [], [resources.data]);
  const [pod, setPod] = useState<string | null>(null);
  const [container, setContainer] = useState<string | null>(null);
  const [tail, setTail] = useState(500);
  const [previous, setPrevious] = useState(false);
  const [follow, setFollow] = useState(true);
  const [text, setText] = useState('');
  const [failure, setFailure] = useState<string | null>(null);
  const viewport = useRef<HTMLDivElement>(null);

  const podName = pod ?? pods[0]?.name ?? null;
  const containers = pods.find((p) => p.name === podName)?.containers ?? [];
  const containerName = container ?? containers.find((c) => !c.init)?.name ?? containers[0]?.name ?? null;

  useEffect(() => {
    if (podName === null) return undefined;
    const controller = new AbortController();
    setText('');
    setFailure(null);
    streamLogs(
      id,
      { pod: podName, container: containerName, tail, previous, follow: follow && !previous },
      (piece) => setText((current) => (current + piece).slice(-MAX_CHARS)),
      controller.signal,
    ).catch((error: unknown) => {
      if (!controller.signal.aborted) setFailure(errorMessage(error));
    });
    return () => controller.abort();
  }, [id, podName, containerName, tail, previous, follow]);

  useEffect(() => {
    if (follow) viewport.current?.scrollTo({ top: viewport.current.scrollHeight });
  }, [text, follow]);

  const download = () => {
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = `${podName ?? 'pod'}-${containerName ?? 'container'}.log`;
    link.click();
    URL.revokeObjectURL(url);
  };

  if (resources.data && pods.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        No pods are running, so there is no log to show.
      </Text>
    );
  }
  return (
    <Paper withBorder p="md">
      <Group gap="sm" mb="sm" align="flex-end">
        <Select label="Pod" data={pods.map((p) => p.name)} value={podName} onChange={setPod} w={280} allowDeselect={false} />
        <Select
          label="Container"
          data={containers.map((c) => ({ value: c.name, label: c.init ? `${c.name} (init)` : c.name }))}
          value={containerName}
          onChange={setContainer}
          w={160}
          allowDeselect={false}
        />
        <NumberInput label="Last lines" value={tail} onChange={(v) => typeof v === 'number' && setTail(v)} min={1} max={10000} w={120} />
        <Switch label="Previous instance" checked={previous} onChange={(e) => setPrevious(e.currentTarget.checked)} mb={8} />
        <Switch label="Follow" checked={follow && !previous} disabled={previous} onChange={(e) => setFollow(e.currentTarget.checked)} mb={8} />
        <Button variant="default" leftSection={<IconDownload size={16} />} onClick={download} disabled={text === ''} ml="auto">
          Download
        </Button>
      </Group>
      {failure && (
        <Alert color="red" variant="light" mb="sm">
          {sentence(failure)}
        </Alert>
      )}
      <ScrollArea h={420} viewportRef={viewport} type="auto" viewportProps={{ tabIndex: 0, role: 'region', 'aria-label': 'Log' }}>
        <Box component="pre" m={0} ff="monospace" fz={12} data-testid="log-text">
          {text || (failure ? '' : 'Waiting for log lines…')}
        </Box>
      </ScrollArea>
    </Paper>
  );
}
