// Starts `kubechart-testcluster` (the project's Kubernetes API test server) on a free loopback port and
// waits for it to write its kubeconfig; scenarios register it as a cluster by uploading that file.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

const READY_DEADLINE_MS = 30_000;

export function testClusterBinary() {
  const bin = process.env.KUBECHART_TESTCLUSTER_BIN;
  if (!bin) {
    throw new Error(
      'KUBECHART_TESTCLUSTER_BIN is not set: point it at the test cluster binary, e.g. ' +
        'KUBECHART_TESTCLUSTER_BIN=$CARGO_TARGET_DIR/release/kubechart-testcluster (cargo build --release -p kubechart-testcluster)',
    );
  }
  return bin;
}

/**
 * Spawns the test cluster; `options.failImages` are images whose pulls fail. Resolves with the
 * kubeconfig path and text, its API server URL, and `stop()`.
 */
export async function startTestCluster(options = {}) {
  const bin = testClusterBinary();
  const dir = await mkdtemp(path.join(tmpdir(), 'kubechart-e2e-cluster-'));
  const kubeconfigPath = path.join(dir, 'kubeconfig');
  const args = ['--listen', '127.0.0.1:0', '--kubeconfig', kubeconfigPath, '--ready-delay-ms', String(options.readyDelayMs ?? 500)];
  if (options.failImages?.length) args.push('--fail-images', options.failImages.join(','));
  const output = [];
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let exitStatus = null;
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  exited.then((status) => {
    exitStatus = status;
  });
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => output.push(chunk));
  }
  const logs = () => output.join('');

  const deadline = Date.now() + READY_DEADLINE_MS;
  let server = null;
  while (server === null) {
    if (exitStatus !== null) throw new Error(`kubechart-testcluster exited early (${JSON.stringify(exitStatus)}):\n${logs()}`);
    server = /listening on (https:\/\/\S+);/.exec(logs())?.[1] ?? null;
    if (server === null) {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`kubechart-testcluster did not start within ${READY_DEADLINE_MS} ms:\n${logs()}`);
      }
      await delay(50);
    }
  }
  const kubeconfig = await readFile(kubeconfigPath, 'utf8');
  const token = /token: (\S+)/.exec(kubeconfig)?.[1];

  const ca = Buffer.from(/certificate-authority-data: (\S+)/.exec(kubeconfig)?.[1] ?? '', 'base64');

  /**
   * A request to the test cluster's API as its administrator: `{ status, body }`, to check what a
   * deploy did or to make objects the way kubectl would.
   */
  function request(method, apiPath, body) {
    return new Promise((resolve, reject) => {
      const headers = { Authorization: `Bearer ${token}`, Accept: 'application/json' };
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      const outgoing = https.request(new URL(apiPath, server), { method, ca, headers }, (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode, body: text ? JSON.parse(text) : null }));
      });
      outgoing.on('error', reject);
      outgoing.end(body === undefined ? undefined : JSON.stringify(body));
    });
  }

  const get = (apiPath) => request('GET', apiPath);

  /** Appends `text` to a pod container's log, as the container would write it (the test cluster's knob). */
  async function appendLog({ namespace, pod, container, text }) {
    const answer = await request('POST', `/testcluster/v1/namespaces/${namespace}/pods/${pod}/log`, { container, text });
    if (answer.status !== 200) throw new Error(`appending to the log of ${namespace}/${pod}: ${answer.status} ${JSON.stringify(answer.body)}`);
  }

  async function stop() {
    if (exitStatus === null) {
      child.kill('SIGTERM');
      await Promise.race([exited, delay(10_000)]);
      if (exitStatus === null) child.kill('SIGKILL');
    }
    await rm(dir, { recursive: true, force: true });
  }

  return { server, kubeconfigPath, kubeconfig, logs, get, request, appendLog, stop };
}
