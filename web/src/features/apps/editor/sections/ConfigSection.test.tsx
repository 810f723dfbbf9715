import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { FormProvider, useForm, type UseFormReturn } from 'react-hook-form';
import { describe, expect, it } from 'vitest';
import type { AppSpec } from '../../../../api/appspec';
import { Providers } from '../../../../Providers';
import { createQueryClient } from '../../../../queryClient';
import { pruneCleared } from '../prune';
import { ConfigSection } from './ConfigSection';

const CERT = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----';
const KEY = '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49\n-----END PRIVATE KEY-----';

function renderSection(start: AppSpec) {
  const holder: { form?: UseFormReturn<AppSpec> } = {};
  function Harness() {
    const form = useForm<AppSpec>({ defaultValues: start, mode: 'onChange' });
    holder.form = form;
    return (
      <FormProvider {...form}>
        <ConfigSection />
      </FormProvider>
    );
  }
  render(
    <Providers queryClient={createQueryClient({ retryDelayMs: 0 })} env="test">
      <Harness />
    </Providers>,
  );
  return { user: userEvent.setup(), values: () => pruneCleared(holder.form!.getValues()) };
}

const area = (label: string) => screen.getByLabelText((content) => content.replace(/\s*\*$/, '') === label, { selector: 'textarea' });

describe('ConfigSection TLS key pair', { timeout: 40_000 }, () => {
  it('takes the certificate and the key as PEM, hinting at text that is not, and hides the key', async () => {
    const { user, values } = renderSection({ name: 'shop', namespace: 'shop', secrets: [{ name: 'shop-tls', type: 'tls' }] } as unknown as AppSpec);
    expect(screen.queryByText(/YAML tab/)).not.toBeInTheDocument();

    await user.type(area('Certificate (PEM)'), 'not a certificate');
    expect(area('Certificate (PEM)')).toHaveAccessibleDescription(/does not look like PEM/);
    await user.clear(area('Certificate (PEM)'));
    await user.click(area('Certificate (PEM)'));
    await user.paste(CERT);
    expect(area('Certificate (PEM)')).not.toHaveAccessibleDescription(/PEM/);
    expect(area('Certificate (PEM)').style.fontFamily).toContain('monospace');

    await user.click(area('Private key (PEM)'));
    await user.paste(CERT);
    expect(area('Private key (PEM)')).toHaveAccessibleDescription('Expected a PRIVATE KEY block, found CERTIFICATE.');
    await user.clear(area('Private key (PEM)'));
    await user.paste(KEY);
    await user.tab();

    // Once entered, the key is hidden until asked for.
    expect(screen.queryByLabelText('Private key (PEM)', { selector: 'textarea' })).not.toBeInTheDocument();
    expect(screen.queryByText(/MIGHAgEAMBMGByqGSM49/)).not.toBeInTheDocument();
    expect(screen.getByText('Hidden (3 lines)')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Show key' }));
    expect(area('Private key (PEM)')).toHaveValue(KEY);
    await user.click(screen.getByRole('button', { name: 'Hide key' }));
    expect(screen.getByText('Hidden (3 lines)')).toBeInTheDocument();

    expect(values().secrets).toEqual([{ name: 'shop-tls', type: 'tls', tls: { certificate: CERT, privateKey: KEY } }]);
  });

  it('flags an encrypted key', async () => {
    renderSection({
      name: 'shop',
      namespace: 'shop',
      secrets: [{ name: 'shop-tls', type: 'tls', tls: { certificate: CERT, privateKey: '-----BEGIN ENCRYPTED PRIVATE KEY-----\nabc\n-----END ENCRYPTED PRIVATE KEY-----' } }],
    } as unknown as AppSpec);
    expect(screen.getByText(/encrypted with a passphrase/)).toBeInTheDocument();
    expect(screen.getByText('Hidden (3 lines)')).toBeInTheDocument();
  });
});
