// Starts the real `kubechart serve` binary on a free loopback port with a fresh data directory.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

const READY_DEADLINE_MS = 60_000;
const STOP_DEADLINE_MS = 15_000;

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

export function serverBinary() {
  const bin = process.env.KUBECHART_BIN;
  if (!bin) {
    throw new Error(
      'KUBECHART_BIN is not set: point it at the kubechart binary to test, e.g. ' +
        'KUBECHART_BIN=../target/release/kubechart npm run e2e (the binary serves web/dist: run npm run build first)',
    );
  }
  return bin;
}

/**
 * Spawns the server and resolves once /readyz answers 200. The returned `stop()` sends SIGTERM and
 * waits for the process to exit (SIGKILL after a deadline), then removes the data directory.
 */
export async function startServer() {
  const bin = serverBinary();
  const port = await freePort();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'kubechart-e2e-'));
  const baseUrl = `http://127.0.0.1:${port}`;
  const output = [];
  const child = spawn(bin, ['serve'], {
    env: {
      ...process.env,
      KUBECHART_ADDR: `127.0.0.1:${port}`,
      KUBECHART_DATA_DIR: dataDir,
      KUBECHART_LOG_FORMAT: 'json',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let exitStatus = null;
  exited.then((status) => {
    exitStatus = status;
  });
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => output.push(chunk));
  }
  child.once('error', (error) => output.push(`spawn error: ${error.message}\n`));

  const logs = () => output.join('');
  const deadline = Date.now() + READY_DEADLINE_MS;
  for (;;) {
    if (exitStatus !== null) {
      throw new Error(`kubechart exited before it was ready (${JSON.stringify(exitStatus)}):\n${logs()}`);
    }
    try {
      const response = await fetch(`${baseUrl}/readyz`);
      if (response.status === 200) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`kubechart was not ready within ${READY_DEADLINE_MS} ms:\n${logs()}`);
    }
    await delay(100);
  }

  async function stop() {
    if (exitStatus === null) {
      child.kill('SIGTERM');
      const timeout = delay(STOP_DEADLINE_MS).then(() => 'timeout');
      if ((await Promise.race([exited, timeout])) === 'timeout') {
        child.kill('SIGKILL');
        await exited;
      }
    }
    await rm(dataDir, { recursive: true, force: true });
  }

  return { baseUrl, logs, stop };
}
