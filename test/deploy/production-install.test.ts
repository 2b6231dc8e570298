// The image's install steps, outside a container (no Docker engine here): compile src/,
// copy package.json, package-lock.json and dist/ into a clean directory, `npm ci --omit=dev`,
// start `node dist/main.js run` from there against the local control plane, and see it bind
// a pod. Also `kubectl apply -k k8s --dry-run=server` against the same cluster.
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as k8s from '@kubernetes/client-node';
import {
  LOCAL_KUBECONFIG,
  apiErrorCode,
  assertClusterReady,
  createTestNamespace,
  deleteTestNamespace,
  fakeNode,
  freePort,
  isNodeReady,
  loadLocalKubeConfig,
  waitFor,
} from '../support/index.js';

jest.setTimeout(300_000);
const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const kubeconfig = process.env['LOCAL_CLUSTER_KUBECONFIG'] ?? LOCAL_KUBECONFIG;

let kc: k8s.KubeConfig;
let core: k8s.CoreV1Api;
beforeAll(async () => {
  kc = loadLocalKubeConfig();
  await assertClusterReady(kc);
  core = kc.makeApiClient(k8s.CoreV1Api);
});

describe('kubectl apply -k k8s --dry-run=server', () => {
  test('succeeds against the local control plane', async () => {
    // A server dry run cannot put objects into a namespace it only pretends to create.
    let created = false;
    try {
      await core.createNamespace({ body: { metadata: { name: 'custom-scheduler' } } });
      created = true;
    } catch (error) {
      if (apiErrorCode(error) !== 409) throw error;
    }
    try {
      const { stdout } = await run('kubectl', [
        '--kubeconfig',
        kubeconfig,
        'apply',
        '-k',
        join(root, 'k8s'),
        '--dry-run=server',
      ]);
      expect(stdout).toContain('deployment.apps/custom-scheduler');
      expect(stdout).toContain('clusterrole.rbac.authorization.k8s.io/custom-scheduler');
    } finally {
      if (created) await core.deleteNamespace({ name: 'custom-scheduler' });
    }
  });
});

describe('the production install', () => {
  const dir = mkdtempSync(join(tmpdir(), 'custom-scheduler-prod-'));
  let scheduler: ChildProcess | undefined;
  let output = '';
  let namespace = '';
  const node = `prod-install-${process.pid}`;

  afterAll(async () => {
    if (scheduler?.exitCode === null) scheduler.kill('SIGKILL');
    if (namespace !== '') await deleteTestNamespace(kc, namespace);
    await core.deleteNode({ name: node }).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  test('installs without development packages, starts, binds a pod, and exits 0 on SIGTERM', async () => {
    await run(
      join(root, 'node_modules/.bin/tsc'),
      ['-p', join(root, 'tsconfig.build.json'), '--outDir', join(dir, 'dist')],
      { cwd: root },
    );
    copyFileSync(join(root, 'package.json'), join(dir, 'package.json'));
    copyFileSync(join(root, 'package-lock.json'), join(dir, 'package-lock.json'));
    await run('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund'], {
      cwd: dir,
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    expect(existsSync(join(dir, 'node_modules/@kubernetes/client-node'))).toBe(true);
    expect(existsSync(join(dir, 'node_modules/typescript'))).toBe(false);
    expect(existsSync(join(dir, 'node_modules/jest'))).toBe(false);

    namespace = await createTestNamespace(kc, 'prod-install');
    await core.createNode({ body: fakeNode(node, { labels: { 'custom-scheduler.test/pool': node } }) });
    await waitFor(async () => isNodeReady(await core.readNode({ name: node })), {
      timeoutMs: 60_000,
      what: `node ${node} to be Ready`,
    });

    const port = await freePort();
    scheduler = spawn(
      process.execPath,
      [
        'dist/main.js',
        'run',
        '--namespaces',
        namespace,
        '--interval',
        '500ms',
        '--http-port',
        String(port),
        '--log-format',
        'json',
      ],
      {
        cwd: dir,
        env: { PATH: process.env['PATH'] ?? '', KUBECONFIG: kubeconfig, NODE_ENV: 'production' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    scheduler.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    scheduler.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    await waitFor(
      async () => {
        if (scheduler?.exitCode !== null) throw new Error(`the scheduler exited: ${output}`);
        return (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200;
      },
      { timeoutMs: 60_000, what: '/readyz of the production-installed scheduler' },
    );

    await core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: 'hello' },
        spec: {
          schedulerName: 'custom-scheduler',
          nodeSelector: { 'custom-scheduler.test/pool': node },
          terminationGracePeriodSeconds: 0,
          containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu: '1' } } }],
        },
      },
    });
    const bound = await waitFor(
      async () => (await core.readNamespacedPod({ name: 'hello', namespace })).spec?.nodeName,
      { timeoutMs: 30_000, what: 'pod hello to be bound' },
    );
    expect(bound).toBe(node);
    expect(output).toContain('"action":"bind"');

    const exited = new Promise<number | null>((resolve) => scheduler!.once('exit', (code) => resolve(code)));
    scheduler.kill('SIGTERM');
    expect(await withDeadline(exited, 20_000, 'the scheduler to exit after SIGTERM')).toBe(0);
  });
});

function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
