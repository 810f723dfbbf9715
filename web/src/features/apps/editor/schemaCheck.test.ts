import { describe, expect, it } from 'vitest';
import appSpecSchema from '../../../../appspec.schema.json';
import { annotationKeywords, checkAgainstSchema, checkedKeywords, type Schema } from './schemaCheck';

const schema = appSpecSchema as Schema;

/** Every keyword the schema uses; the names under `properties` and `$defs` are names, not keywords. */
function keywordsOf(node: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((item) => keywordsOf(item, found));
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return found;
  for (const [keyword, value] of Object.entries(node)) {
    found.add(keyword);
    if (keyword === 'properties' || keyword === '$defs') {
      Object.values(value as object).forEach((child) => keywordsOf(child, found));
    } else if (keyword !== 'const' && keyword !== 'enum' && keyword !== 'default' && keyword !== 'examples') {
      keywordsOf(value, found);
    }
  }
  return found;
}

const workload = { name: 'web', containers: [{ name: 'web', image: 'nginx:1.27' }] };

describe('schema check', () => {
  it('knows every keyword of the AppSpec schema, so none is ignored silently', () => {
    const known = new Set<string>([...checkedKeywords, ...annotationKeywords]);
    expect([...keywordsOf(schema)].filter((keyword) => !known.has(keyword))).toEqual([]);
  });

  it('finds nothing wrong with a complete spec', () => {
    expect(checkAgainstSchema(schema, { name: 'shop', workloads: [workload] })).toEqual([]);
  });

  it('says which type a field takes', () => {
    expect(checkAgainstSchema(schema, { name: 'shop', workloads: [{ ...workload, replicas: 'two' }] })).toEqual([
      { path: ['workloads', 0, 'replicas'], message: 'must be a whole number or null' },
    ]);
    expect(checkAgainstSchema(schema, { name: 7 })).toEqual([{ path: ['name'], message: 'must be text' }]);
    expect(checkAgainstSchema(schema, ['shop'])).toEqual([{ path: [], message: 'must be a mapping of fields' }]);
  });

  it('lists the choices of a field that takes one of a few values', () => {
    expect(checkAgainstSchema(schema, { name: 'shop', workloads: [{ ...workload, kind: 'Deploymnt' }] })).toEqual([
      {
        path: ['workloads', 0, 'kind'],
        message: 'must be one of Deployment, StatefulSet, Job, CronJob, Pod, ReplicaSet or DaemonSet',
      },
    ]);
  });

  it('names unknown fields at their key and missing ones at their mapping', () => {
    expect(checkAgainstSchema(schema, { name: 'shop', workloads: [{ name: 'web', containers: [{ name: 'web' }], replicass: 3 }] })).toEqual([
      { path: ['workloads', 0, 'containers', 0], message: 'needs image' },
      { path: ['workloads', 0, 'replicass'], message: 'is not a known field', atKey: true },
    ]);
    expect(checkAgainstSchema(schema, {})).toEqual([{ path: [], message: 'needs name' }]);
  });

  it('follows the form of a choice the value was meant for', () => {
    const volume = (source: unknown) => ({ name: 'shop', persistentVolumes: [{ name: 'pv', capacity: '1Gi', source }] });
    expect(checkAgainstSchema(schema, volume({ nfs: { server: 'nfs.local' } }))).toEqual([
      { path: ['persistentVolumes', 0, 'source', 'nfs'], message: 'needs path' },
    ]);
    expect(checkAgainstSchema(schema, volume({ ceph: {} }))).toEqual([
      { path: ['persistentVolumes', 0, 'source'], message: 'needs exactly one of hostPath, nfs or csi' },
    ]);
  });

  it('names the forms of a choice by their titles when the value fits none', () => {
    const probe = { name: 'shop', workloads: [{ ...workload, containers: [{ ...workload.containers[0], readinessProbe: { httpGet: { path: '/', port: true } } }] }] };
    expect(checkAgainstSchema(schema, probe)).toEqual([
      {
        path: ['workloads', 0, 'containers', 0, 'readinessProbe', 'httpGet', 'port'],
        message: 'must be port number or container port name',
      },
    ]);
  });

  it('applies the keywords the AppSpec schema may grow', () => {
    const small: Schema = {
      type: 'object',
      properties: {
        port: { type: 'integer', format: 'uint16', minimum: 1 },
        name: { type: 'string', minLength: 1, maxLength: 3, pattern: '^[a-z]+$' },
        tags: { type: 'array', minItems: 1, maxItems: 2, items: { enum: ['a', 'b'] } },
        both: { allOf: [{ type: 'number' }, { exclusiveMinimum: 0, exclusiveMaximum: 1, maximum: 0.5 }] },
      },
    };
    expect(checkAgainstSchema(small, { port: 70000, name: 'Abcd', tags: ['c', 'a', 'b'], both: 1 }).map((p) => p.message)).toEqual([
      'must be between 0 and 65535',
      'must be at most 3 characters',
      'must match ^[a-z]+$',
      'takes at most 2 entries',
      'must be one of a or b',
      'must be at most 0.5',
      'must be less than 1',
    ]);
    expect(checkAgainstSchema(small, { port: 0, name: '', tags: [] }).map((p) => p.message)).toEqual([
      'must be at least 1',
      'must not be empty',
      'must match ^[a-z]+$',
      'needs at least 1 entry',
    ]);
  });
});
