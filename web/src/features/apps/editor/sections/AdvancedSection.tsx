import { Button, Group, Select, Stack, Text, Textarea } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useEffect, useRef, useState } from 'react';
import { useFieldArray, useFormContext, useWatch } from 'react-hook-form';
import type { AppSpec } from '../../../../api/appspec';
import type { ObjectRef } from '../../../../api/types';
import { describe } from '../../../../components/form/FieldWarning';
import { monospaceInput } from '../../../../components/form/fields';
import { useBoundField } from '../../../../components/form/useBoundField';
import { ItemCard } from './ItemCard';

type Target = { kind: string; name: string };

const targetValue = (target: Target) => `${target.kind}/${target.name}`;

/** Kubernetes kinds and names hold no slash, so `Kind/name` names an object unambiguously. */
function parseTarget(value: string): Target {
  const slash = value.indexOf('/');
  return { kind: value.slice(0, slash), name: value.slice(slash + 1) };
}

/** The rendered objects an override can target, each once, in render order. */
function targetsOf(objects: readonly ObjectRef[]): Target[] {
  const seen = new Set<string>();
  const targets: Target[] = [];
  for (const { kind, name } of objects) {
    const value = targetValue({ kind, name });
    if (!seen.has(value)) {
      seen.add(value);
      targets.push({ kind, name });
    }
  }
  return targets;
}

/** The object an override patches, picked from what the app renders; sets `kind` and `name` together. */
function TargetField({ base, targets }: { base: string; targets: Target[] }) {
  const kind = useBoundField(`${base}.kind`);
  const name = useBoundField(`${base}.name`);
  const current =
    typeof kind.field.value === 'string' && typeof name.field.value === 'string' && kind.field.value !== ''
      ? targetValue({ kind: kind.field.value, name: name.field.value })
      : null;
  const values = targets.map(targetValue);
  // An override of an object the app no longer renders (or not yet, while the preview loads) stays listed.
  const data = current === null || values.includes(current) ? values : [current, ...values];
  return (
    <Select
      label="Object"
      description={describe('One of the objects in the manifests.', kind.warning ?? name.warning)}
      required
      searchable
      placeholder={values.length === 0 ? 'The manifests have no objects yet' : 'Kind/name'}
      name={kind.field.name}
      ref={kind.field.ref}
      data={data}
      value={current}
      allowDeselect={false}
      onChange={(value) => {
        if (value === null) return;
        const target = parseTarget(value);
        kind.field.onChange(target.kind);
        name.field.onChange(target.name);
      }}
      onBlur={kind.field.onBlur}
      error={kind.error ?? name.error}
      styles={monospaceInput}
      comboboxProps={{ withinPortal: true }}
    />
  );
}

const PATCH_EXAMPLE = '{"spec": {"minReadySeconds": 5}}';

const showPatch = (patch: unknown) => JSON.stringify(patch ?? {}, null, 2);

/** The text's patch, or why it is not one. */
function parsePatch(text: string): { patch: unknown; error: null } | { patch: null; error: string } {
  let patch: unknown;
  try {
    patch = JSON.parse(text);
  } catch (error) {
    return { patch: null, error: `Not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch))
    return { patch: null, error: `The patch must be a JSON object, e.g. ${PATCH_EXAMPLE}` };
  return { patch, error: null };
}

/**
 * The patch as JSON text. The text is kept as typed; the spec takes it each time it parses to an object,
 * and keeps the last such patch meanwhile. Saving is refused while the text on screen is not a patch.
 */
function PatchField({ name }: { name: string }) {
  const invalid = useRef<string | null>(null);
  const { field, error, warning } = useBoundField(name, { validate: () => invalid.current ?? true });
  const [text, setText] = useState(() => showPatch(field.value));
  const [parseError, setParseError] = useState<string | null>(null);
  const lastWritten = useRef(JSON.stringify(field.value ?? {}));

  // The patch changed from outside (a reset, a template): show it.
  useEffect(() => {
    const incoming = JSON.stringify(field.value ?? {});
    if (incoming !== lastWritten.current) {
      lastWritten.current = incoming;
      invalid.current = null;
      setText(showPatch(field.value));
      setParseError(null);
    }
  }, [field.value]);

  // Text left unreadable when the section closes is dropped: the spec keeps its last patch, and saving
  // is not held up by a field no longer on screen.
  useEffect(
    () => () => {
      invalid.current = null;
    },
    [],
  );

  return (
    <Textarea
      label="Patch (JSON)"
      description={describe(
        'A JSON merge patch: objects merge key by key, null removes a field, anything else replaces it. Until the text is valid, the last valid patch is kept.',
        warning,
      )}
      required
      autosize
      minRows={4}
      maxRows={20}
      name={field.name}
      ref={field.ref}
      value={text}
      onChange={(event) => {
        const next = event.currentTarget.value;
        setText(next);
        const parsed = parsePatch(next);
        invalid.current = parsed.error;
        setParseError(parsed.error);
        if (parsed.error === null) {
          lastWritten.current = JSON.stringify(parsed.patch);
          field.onChange(parsed.patch);
        }
      }}
      onBlur={field.onBlur}
      error={parseError ?? error}
      styles={monospaceInput}
      fz="xs"
    />
  );
}

/** JSON merge patches onto generated objects, for fields the form does not model. */
export function AdvancedSection({ objects }: { objects: readonly ObjectRef[] }) {
  const { control } = useFormContext<AppSpec>();
  const overrides = useFieldArray({ control, name: 'overrides' });
  const values = useWatch({ name: 'overrides' }) as Partial<Target>[] | undefined;
  const targets = targetsOf(objects);
  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">
        An override merges extra fields onto one of the generated objects, for what the form does not model.
      </Text>
      {overrides.fields.map((override, index) => {
        const value = values?.[index];
        const title = value?.kind ? `${value.kind}/${value.name ?? ''}` : `${index + 1}`;
        return (
          <ItemCard key={override.id} title={`Override ${title}`} removeLabel={`Remove override ${title}`} onRemove={() => overrides.remove(index)}>
            <TargetField base={`overrides.${index}`} targets={targets} />
            <PatchField name={`overrides.${index}.patch`} />
          </ItemCard>
        );
      })}
      <Group>
        <Button
          variant="light"
          leftSection={<IconPlus size={16} />}
          onClick={() => overrides.append({ kind: targets[0]?.kind ?? '', name: targets[0]?.name ?? '', patch: {} })}
        >
          Add override
        </Button>
      </Group>
    </Stack>
  );
}
