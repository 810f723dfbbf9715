// Seeds data through KubeChart's HTTP API, so that each scenario starts from its own account, cluster
// and applications instead of from what an earlier scenario left behind.
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';

export function kubechartApi(baseUrl) {
  async function call(method, path, { token, body } = {}) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (token) headers.Authorization = `Bearer ${token}`;
    const response = await fetch(new URL(path, baseUrl), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  }

  async function expect(status, method, path, options) {
    const response = await call(method, path, options);
    assert.equal(response.status, status, `${method} ${path}: ${JSON.stringify(response.body)}`);
    return response.body;
  }

  return {
    /** Registers `account` and answers its token. */
    async register(account) {
      return (await expect(201, 'POST', '/api/v1/auth/register', { body: account })).token;
    },

    /** Registers the test cluster for the token's user from its kubeconfig. */
    async addCluster(token, { name, kubeconfig }) {
      return expect(201, 'POST', '/api/v1/clusters', {
        token,
        body: { name, defaultNamespace: null, source: { type: 'kubeconfig', kubeconfig, context: null } },
      });
    },

    async createDeployment(token, { spec, clusterId }) {
      return expect(201, 'POST', '/api/v1/deployments', { token, body: { spec, clusterId } });
    },

    async deployment(token, id) {
      return expect(200, 'GET', `/api/v1/deployments/${id}`, { token });
    },

    /** Starts a deploy of the latest revision and waits for its operation to finish. */
    async deploy(token, id, timeout = 60_000) {
      const { operationId } = await expect(202, 'POST', `/api/v1/deployments/${id}/deploy`, { token, body: {} });
      const deadline = Date.now() + timeout;
      for (;;) {
        const operation = await expect(200, 'GET', `/api/v1/deployments/${id}/operations/${operationId}`, { token });
        if (operation.state !== 'applying' && operation.state !== 'deleting') return operation;
        assert.ok(Date.now() < deadline, `the deploy of ${id} did not finish within ${timeout} ms`);
        await delay(250);
      }
    },
  };
}
