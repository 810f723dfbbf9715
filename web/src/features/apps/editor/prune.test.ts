import { describe, expect, it } from 'vitest';
import { pruneCleared } from './prune';

describe('pruneCleared', () => {
  it('drops cleared fields and objects left with nothing in them', () => {
    const spec = {
      name: 'shop',
      instance: undefined,
      workloads: [{ name: 'web', containers: [{ name: 'web', image: 'x', readinessProbe: { httpGet: { path: undefined, port: undefined } } }] }],
    };
    expect(pruneCleared(spec)).toEqual({ name: 'shop', workloads: [{ name: 'web', containers: [{ name: 'web', image: 'x' }] }] });
  });

  it('keeps objects and lists that were empty to begin with', () => {
    expect(pruneCleared({ name: 'a', labels: {}, workloads: [] })).toEqual({ name: 'a', labels: {}, workloads: [] });
  });
});
