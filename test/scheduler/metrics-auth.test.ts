// /metrics over HTTPS behind delegated authentication and authorization, on the local
// control plane. The scheduler runs as a service account holding exactly the ClusterRole of
// k8s/rbac (so its rules are shown to be enough for TokenReview and SubjectAccessReview); one
// caller's service account is bound to `get` on the path /metrics, another is not.
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as k8s from '@kubernetes/client-node';
import { defaultConfig } from '../../src/runtime/config.js';
import { silentLogger } from '../../src/runtime/log.js';
import { startScheduler, type RunningScheduler } from '../../src/runtime/scheduler.js';
import { selfSignedCertificate } from '../../src/runtime/self-signed.js';
import {
  assertClusterReady,
  createTestNamespace,
  deleteTestNamespace,
  freePort,
  loadLocalKubeConfig,
  waitFor,
} from '../support/index.js';

jest.setTimeout(90_000);

const root = fileURLToPath(new URL('../..', import.meta.url));
let kc: k8s.KubeConfig;
let core: k8s.CoreV1Api;
let rbac: k8s.RbacAuthorizationV1Api;
let namespace = '';
const clusterObjects: string[] = [];
const running: RunningScheduler[] = [];
const dir = mkdtempSync(join(tmpdir(), 'metrics-auth-'));

beforeAll(async () => {
  kc = loadLocalKubeConfig();
  await assertClusterReady(kc);
  core = kc.makeApiClient(k8s.CoreV1Api);
  rbac = kc.makeApiClient(k8s.RbacAuthorizationV1Api);
  namespace = await createTestNamespace(kc, 'metrics-auth');
});

afterAll(async () => {
  for (const s of running) await s.stop();
  for (const name of clusterObjects) {
    await rbac.deleteClusterRoleBinding({ name }).catch(() => undefined);
    await rbac.deleteClusterRole({ name }).catch(() => undefined);
  }
  if (namespace !== '') await deleteTestNamespace(kc, namespace);
  rmSync(dir, { recursive: true, force: true });
});

/** A service account bound to a ClusterRole with these rules; its token. */
async function account(name: string, rules: k8s.V1PolicyRule[]): Promise<string> {
  await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name } } });
  if (rules.length > 0) {
    const role = `${namespace}-${name}`;
    clusterObjects.push(role);
    await rbac.createClusterRole({ body: { metadata: { name: role }, rules } });
    await rbac.createClusterRoleBinding({
      body: {
        metadata: { name: role },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
        subjects: [{ kind: 'ServiceAccount', name, namespace }],
      },
    });
  }
  const issued = await core.createNamespacedServiceAccountToken({
    name,
    namespace,
    body: { spec: { audiences: [], expirationSeconds: 3600 } },
  });
  const token = issued.status?.token;
  if (token === undefined) throw new Error(`no token issued for ${name}`);
  return token;
}

/** A kubeconfig for the local API server that authenticates with this token. */
function asToken(user: string, token: string): k8s.KubeConfig {
  const cluster = kc.getCurrentCluster();
  if (cluster === null) throw new Error('the admin kubeconfig has no current cluster');
  const out = new k8s.KubeConfig();
  out.loadFromOptions({
    clusters: [cluster],
    users: [{ name: user, token }],
    contexts: [{ name: user, cluster: cluster.name, user }],
    currentContext: user,
  });
  return out;
}

/** Waits until the RBAC authorizer allows `user` to `get` the path /metrics. */
async function untilAllowed(user: string, path: string): Promise<void> {
  const authz = kc.makeApiClient(k8s.AuthorizationV1Api);
  await waitFor(
    async () =>
      (
        await authz.createSubjectAccessReview({
          body: { spec: { user, nonResourceAttributes: { path, verb: 'get' } } },
        })
      ).status?.allowed === true,
    { timeoutMs: 15_000, what: `RBAC to allow ${user} get ${path}` },
  );
}

interface Answer {
  readonly status: number;
  readonly body: string;
  readonly certificate: X509Certificate | undefined;
}

/** GET over TLS without checking the certificate (it is self-signed), as the kubelet probes. */
function get(port: number, path: string, token?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        rejectUnauthorized: false,
        agent: false,
        headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
      },
      (res) => {
        let body = '';
        const socket: TLSSocket = res.socket as TLSSocket;
        const raw = socket.getPeerX509Certificate();
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, certificate: raw }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** The scheduler as the service account holding k8s/rbac's ClusterRole, serving HTTPS. */
async function startSecure(schedulerToken: string, tls = { certFile: '', keyFile: '' }): Promise<number> {
  const port = await freePort();
  const scheduler = await startScheduler({
    kubeConfig: asToken('scheduler', schedulerToken),
    config: defaultConfig({
      httpPort: port,
      httpAddress: '127.0.0.1',
      secureServing: true,
      tls,
      namespaces: [namespace],
      intervalMs: 500,
      gangSources: [],
    }),
    logger: silentLogger(),
  });
  running.push(scheduler);
  await waitFor(async () => (await get(port, '/readyz')).status === 200, {
    timeoutMs: 30_000,
    what: `/readyz of the scheduler on 127.0.0.1:${port}`,
  });
  return port;
}

describe('/metrics with delegated authentication and authorization', () => {
  let schedulerToken = '';
  let scraper = '';
  let stranger = '';

  beforeAll(async () => {
    const clusterRole = k8s
      .loadAllYaml(readFileSync(join(root, 'k8s/rbac/clusterrole.yaml'), 'utf8'))
      .find((o): o is k8s.V1ClusterRole => o instanceof Object && 'rules' in o);
    if (clusterRole?.rules === undefined) throw new Error('k8s/rbac/clusterrole.yaml has no rules');
    schedulerToken = await account('scheduler', clusterRole.rules);
    scraper = await account('scraper', [{ nonResourceURLs: ['/metrics'], verbs: ['get'] }]);
    stranger = await account('stranger', []);
    await untilAllowed(`system:serviceaccount:${namespace}:scraper`, '/metrics');
    const review = kc.makeApiClient(k8s.AuthorizationV1Api);
    await waitFor(
      async () =>
        (
          await review.createSubjectAccessReview({
            body: {
              spec: {
                user: `system:serviceaccount:${namespace}:scheduler`,
                resourceAttributes: { resource: 'pods', verb: 'list' },
              },
            },
          })
        ).status?.allowed === true,
      { timeoutMs: 15_000, what: 'RBAC to know the scheduler account (list pods)' },
    );
  });

  test('probes are open; /metrics needs a token the API server accepts and a user allowed to get it', async () => {
    const port = await startSecure(schedulerToken);
    const health = await get(port, '/healthz');
    expect(health.status).toBe(200);
    // A certificate made at start, for the loopback names.
    expect(health.certificate?.subject).toBe('CN=custom-scheduler');
    expect(health.certificate?.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(health.certificate?.checkHost('localhost')).toBe('localhost');

    const allowed = await get(port, '/metrics', scraper);
    expect(allowed.status).toBe(200);
    expect(allowed.body).toContain('custom_scheduler_');

    const forbidden = await get(port, '/metrics', stranger);
    expect(forbidden).toMatchObject({
      status: 403,
      body: `forbidden: user "system:serviceaccount:${namespace}:stranger" cannot get path "/metrics"\n`,
    });
    expect((await get(port, '/metrics')).status).toBe(401);
    const forged = await get(port, '/metrics', `${scraper.slice(0, -4)}AAAA`);
    expect(forged.status).toBe(401);
    expect(forged.body).toMatch(/^Unauthorized: /);
    // Plain HTTP is not served on the port.
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });

  test('a certificate given in files is the one served', async () => {
    const made = selfSignedCertificate({ commonName: 'given', hosts: ['127.0.0.1'], now: new Date(), validDays: 2 });
    const certFile = join(dir, 'tls.crt');
    const keyFile = join(dir, 'tls.key');
    writeFileSync(certFile, made.cert);
    writeFileSync(keyFile, made.key);
    const port = await startSecure(schedulerToken, { certFile, keyFile });
    const answer = await get(port, '/metrics', scraper);
    expect(answer.status).toBe(200);
    expect(answer.certificate?.fingerprint256).toBe(new X509Certificate(made.cert).fingerprint256);
  });
});
