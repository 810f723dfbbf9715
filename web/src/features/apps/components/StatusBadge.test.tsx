import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { Providers } from '../../../Providers';
import { createQueryClient } from '../../../queryClient';
import { StatusBadge } from './StatusBadge';

function show(node: React.ReactNode) {
  return render(
    <Providers queryClient={createQueryClient()} env="test">
      {node}
    </Providers>,
  );
}

describe('StatusBadge', () => {
  it('names the status in words', () => {
    show(<StatusBadge status="degraded" />);
    expect(screen.getByText('Degraded').closest('[data-status]')).toHaveAttribute('data-status', 'degraded');
  });

  it('shows a spinner only while the deployment is moving', () => {
    const { container, rerender } = show(<StatusBadge status="progressing" />);
    expect(container.querySelector('.mantine-Loader-root')).not.toBeNull();
    rerender(
      <Providers queryClient={createQueryClient()} env="test">
        <StatusBadge status="ready" />
      </Providers>,
    );
    expect(container.querySelector('.mantine-Loader-root')).toBeNull();
  });

  it('makes a badge with a reason focusable so keyboard users reach the reason', () => {
    show(<StatusBadge status="failed" reason="ImagePullBackOff: ghcr.io/acme/shop:9" />);
    expect(screen.getByText('Failed').closest('[tabindex="0"]')).not.toBeNull();
  });
});
