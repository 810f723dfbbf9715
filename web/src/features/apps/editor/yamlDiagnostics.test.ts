import { describe, expect, it } from 'vitest';
import { checkSpecYaml, formatPath } from './yamlDiagnostics';

const examples = import.meta.glob<string>('../../../../../examples/*.yaml', { query: '?raw', import: 'default', eager: true });

/** Each diagnostic as `line: marked text: message`, which is what a reader of the editor sees. */
function marks(text: string): string[] {
  return checkSpecYaml(text).diagnostics.map((d) => `${d.line}: ${text.slice(d.from, d.to)}: ${d.message}`);
}

describe('YAML diagnostics', () => {
  it('finds nothing wrong with the examples', () => {
    expect(Object.keys(examples).length).toBeGreaterThan(0);
    for (const [path, text] of Object.entries(examples)) {
      expect({ path, diagnostics: checkSpecYaml(text).diagnostics }).toEqual({ path, diagnostics: [] });
    }
  });

  it('marks a wrong value, an unknown key and a missing field at their lines', () => {
    const text = [
      'name: shop',
      'workloads:',
      '  - name: web',
      '    replicas: two',
      '    replicass: 3',
      '    containers:',
      '      - name: web',
    ].join('\n');
    expect(marks(text)).toEqual([
      '4: two: workloads[0].replicas must be a whole number or null',
      '5: replicass: workloads[0].replicass is not a known field',
      '7: name: web: workloads[0].containers[0] needs image',
    ]);
    expect(checkSpecYaml(text).result).toMatchObject({ ok: true, spec: { name: 'shop' } });
  });

  it('follows flow collections, quoted keys and mappings under a key', () => {
    const text = [
      'name: shop',
      'workloads: [{name: web, containers: [{name: web, image: nginx, ports: [{containerPort: "80x"}]}]}]',
      '"labels":',
      '  team: [a]',
      'persistentVolumes:',
      '  - name: pv',
      '    capacity: 1Gi',
      '    source:',
      '      ceph: {}',
    ].join('\n');
    expect(marks(text)).toEqual([
      '2: "80x": workloads[0].containers[0].ports[0].containerPort must be a whole number',
      '4: team: labels.team must be text',
      '8: source: persistentVolumes[0].source needs exactly one of hostPath, nfs or csi',
    ]);
  });

  it('marks a syntax error where the parser stopped, and the form does not take the text', () => {
    const text = 'name: shop\nworkloads:\n  - name: [\n';
    const check = checkSpecYaml(text);
    expect(check.result).toMatchObject({ ok: false, line: 4 });
    expect(check.diagnostics).toEqual([{ from: text.length, to: text.length, line: 4, path: '', message: expect.stringMatching(/flow collection/) }]);
    expect(marks('name: shop\nname: again\n')).toEqual(['2: name: again: duplicated mapping key']);
  });

  it('marks a document that is not an AppSpec at its first line', () => {
    expect(marks('namespace: x\nlabels: {}\n')).toEqual(['1: namespace: x: The AppSpec needs name']);
    expect(checkSpecYaml('namespace: x\n').result).toEqual({ ok: false, message: 'the AppSpec needs a name', line: null });
    expect(marks('- a\n')).toEqual(['1: - a: The AppSpec must be a mapping of fields']);
    expect(checkSpecYaml('').diagnostics).toEqual([{ from: 0, to: 0, line: 1, path: '', message: 'The AppSpec must be a mapping of fields' }]);
  });

  it('writes paths the way the server does', () => {
    expect(formatPath(['workloads', 0, 'containers', 1, 'image'])).toBe('workloads[0].containers[1].image');
    expect(formatPath(['labels', 'app.kubernetes.io/name'])).toBe('labels["app.kubernetes.io/name"]');
    expect(formatPath([])).toBe('');
  });
});
