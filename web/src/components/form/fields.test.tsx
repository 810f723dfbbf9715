import { act, render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { FormProvider, useForm, type UseFormReturn } from 'react-hook-form';
import { describe, expect, it } from 'vitest';
import { Providers } from '../../Providers';
import { createQueryClient } from '../../queryClient';
import { field } from '../../test/fields';
import { NumberField, QuantityField, TextField } from './fields';

interface Values {
  image?: string;
  replicas?: number;
  memory?: string;
}

function renderFields(defaults: Values) {
  const holder: { form?: UseFormReturn<Values> } = {};
  function Harness() {
    const form = useForm<Values>({ defaultValues: defaults });
    holder.form = form;
    return (
      <FormProvider {...form}>
        <TextField name="image" label="Image" optional />
        <NumberField name="replicas" label="Replicas" />
        <QuantityField name="memory" label="Memory" />
      </FormProvider>
    );
  }
  render(
    <Providers queryClient={createQueryClient({ retryDelayMs: 0 })} env="test">
      <Harness />
    </Providers>,
  );
  return { user: userEvent.setup(), form: () => holder.form! };
}

describe('fields that clearing removes', () => {
  it('stay empty once cleared, and take new text without the starting value', async () => {
    const { user, form } = renderFields({ image: 'nginx:1.27', replicas: 3, memory: '512Mi' });

    await user.clear(field('Image'));
    expect(field('Image').value).toBe('');
    expect(form().getValues().image).toBeUndefined();
    await user.type(field('Image'), 'caddy:2');
    expect(field('Image').value).toBe('caddy:2');
    expect(form().getValues().image).toBe('caddy:2');

    await user.clear(field('Replicas'));
    expect(field('Replicas').value).toBe('');
    expect(form().getValues().replicas).toBeUndefined();
    await user.type(field('Replicas'), '5');
    expect(form().getValues().replicas).toBe(5);

    await user.clear(field('Memory'));
    expect(field('Memory').value).toBe('');
    expect(form().getValues().memory).toBeUndefined();
  });

  it('show a value set from elsewhere, as after a reset', async () => {
    const { user, form } = renderFields({ image: 'nginx:1.27' });
    await user.clear(field('Image'));
    act(() => form().reset({ image: 'httpd:2.4' }));
    await expect.poll(() => field('Image').value).toBe('httpd:2.4');
  });
});
