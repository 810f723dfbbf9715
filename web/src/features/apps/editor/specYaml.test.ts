import { describe, expect, it } from 'vitest';
import type { AppSpec } from '../../../api/appspec';
import { readYaml, specFromYaml, specToYaml } from './specYaml';

describe('spec YAML', () => {
  it('round-trips fields the form does not show', () => {
    const spec = {
      name: 'shop',
      workloads: [{ name: 'web', containers: [{ name: 'web', image: 'nginx:1.27' }] }],
      overrides: [{ kind: 'Deployment', name: 'web', patch: { spec: { minReadySeconds: 5 } } }],
      roles: [{ name: 'reader', rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] }],
    } as unknown as AppSpec;
    const back = specFromYaml(specToYaml(spec));
    expect(back).toEqual({ ok: true, spec });
  });

  it('leaves out fields that are not set', () => {
    const spec = { name: 'shop', instance: undefined, workloads: [] } as unknown as AppSpec;
    expect(specToYaml(spec)).toBe('name: shop\nworkloads: []\n');
  });

  it('names the line of a syntax error', () => {
    const result = specFromYaml('name: shop\nworkloads:\n  - name: [\n');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.line).toBeGreaterThan(1);
  });

  it('says where in the text the parser stopped', () => {
    const text = 'name: shop\nname: again\n';
    expect(readYaml(text)).toEqual({ ok: false, message: 'duplicated mapping key', line: 2, position: text.indexOf('name: again') });
    expect(readYaml('- a\n')).toEqual({ ok: true, value: ['a'] });
  });

  it('refuses a document that is not an AppSpec', () => {
    expect(specFromYaml('- a\n- b\n')).toMatchObject({ ok: false });
    expect(specFromYaml('namespace: x\n')).toEqual({ ok: false, message: 'the AppSpec needs a name', line: null });
  });
});
