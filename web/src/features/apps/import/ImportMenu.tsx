import { Button, Menu } from '@mantine/core';
import { IconChevronDown, IconCloudDownload, IconFileImport } from '@tabler/icons-react';
import { Link } from 'react-router';

/** The two ways to start from what already exists: manifests, or objects running in a cluster. */
export function ImportMenu() {
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <Button variant="default" rightSection={<IconChevronDown size={14} />}>
          Import
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Item component={Link} to="/apps/import" leftSection={<IconFileImport size={16} />}>
          Import YAML
        </Menu.Item>
        <Menu.Item component={Link} to="/apps/import?from=cluster" leftSection={<IconCloudDownload size={16} />}>
          Import from cluster
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
