import { describe, expect, it } from 'vitest';
import { isWithin, parseWarning, toFormPath, toServerPath } from './paths';

describe('toFormPath', () => {
  it('turns serde indices into react-hook-form segments', () => {
    expect(toFormPath('workloads[0].containers[1].image')).toBe('workloads.0.containers.1.image');
    expect(toFormPath('services[2].ports[0].targetPort')).toBe('services.2.ports.0.targetPort');
  });

  it('leaves plain paths and the empty root alone', () => {
    expect(toFormPath('name')).toBe('name');
    expect(toFormPath('')).toBe('');
  });

  it('reads quoted map keys as segments', () => {
    expect(toFormPath('labels["app.kubernetes.io/name"]')).toBe('labels.app.kubernetes.io/name');
  });

  it('is undone by toServerPath', () => {
    const server = 'workloads[10].containers[0].ports[3].containerPort';
    expect(toServerPath(toFormPath(server))).toBe(server);
  });
});

describe('isWithin', () => {
  it('covers the field itself and those below it, not siblings with a longer name', () => {
    expect(isWithin('workloads.0.name', 'workloads.0')).toBe(true);
    expect(isWithin('workloads.0', 'workloads.0')).toBe(true);
    expect(isWithin('workloads.10.name', 'workloads.1')).toBe(false);
  });
});

describe('parseWarning', () => {
  it('splits the path from the message', () => {
    expect(parseWarning('workloads[0].replicas: a single replica is unavailable during updates')).toEqual({
      path: 'workloads.0.replicas',
      message: 'a single replica is unavailable during updates',
    });
  });

  it('keeps a message without a path for the whole spec', () => {
    expect(parseWarning('nothing is exposed')).toEqual({ path: '', message: 'nothing is exposed' });
  });
});
