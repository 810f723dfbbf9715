import { describe, expect, it } from 'vitest';
import { readContexts } from './kubeconfig';

const kubeconfig = `
apiVersion: v1
kind: Config
current-context: limited
contexts:
  - name: admin
    context: { cluster: test, user: admin }
  - name: limited
    context: { cluster: test, user: limited }
`;

describe('readContexts', () => {
  it('lists the contexts and the current one', () => {
    expect(readContexts(kubeconfig)).toEqual({ contexts: ['admin', 'limited'], current: 'limited' });
  });

  it('gives nothing for text that is not a kubeconfig', () => {
    expect(readContexts('{{ not yaml')).toEqual({ contexts: [], current: null });
    expect(readContexts('just a string')).toEqual({ contexts: [], current: null });
  });

  it('ignores a current context that is not listed', () => {
    expect(readContexts(kubeconfig.replace('current-context: limited', 'current-context: gone')).current).toBeNull();
  });
});
