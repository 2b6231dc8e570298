// k8s/ and the Dockerfile, checked without a cluster: the ClusterRole grants exactly what
// src/cluster calls (a new API call without a rule, or a rule nobody uses, fails here), the
// Deployment has its probes, requests and restricted security context, and the image runs
// the production install as a non-root user.
import { describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as k8s from '@kubernetes/client-node';

const root = fileURLToPath(new URL('../..', import.meta.url));
const kustomize = (dir: string): k8s.KubernetesObject[] =>
  k8s.loadAllYaml(execFileSync('kubectl', ['kustomize', `${root}/${dir}`], { encoding: 'utf8' })) as k8s.KubernetesObject[];

/** Each client call the scheduler makes, and the permission it needs ("group/resource verb"). */
const PERMISSIONS: Record<string, readonly string[]> = {
  listNode: ['/nodes list', '/nodes watch'],
  listPodForAllNamespaces: ['/pods list', '/pods watch'],
  listPodDisruptionBudgetForAllNamespaces: ['policy/poddisruptionbudgets list', 'policy/poddisruptionbudgets watch'],
  createNamespacedPodBinding: ['/pods/binding create'],
  createNamespacedPodEviction: ['/pods/eviction create'],
  patchNamespacedPodStatus: ['/pods/status patch'],
  createNamespacedEvent: ['events.k8s.io/events create'],
};

function callsInSrcCluster(): Set<string> {
  const dir = `${root}/src/cluster`;
  const calls = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
    const text = readFileSync(`${dir}/${file}`, 'utf8');
    for (const m of text.matchAll(/\b(?:core|events|policy|coordination|api)\s*\.\s*(\w+)\s*\(/g)) calls.add(m[1]!);
  }
  return calls;
}

describe('k8s/', () => {
  const objects = kustomize('k8s');
  const byKind = (kind: string) => objects.filter((o) => o.kind === kind);

  test('installs the namespace, service account, ClusterRole, binding, Deployment and both PriorityClasses', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata?.name}`).sort()).toEqual([
      'ClusterRole/custom-scheduler',
      'ClusterRoleBinding/custom-scheduler',
      'Deployment/custom-scheduler',
      'Namespace/custom-scheduler',
      'PriorityClass/batch-high',
      'PriorityClass/batch-low',
      'ServiceAccount/custom-scheduler',
    ]);
    const binding = byKind('ClusterRoleBinding')[0] as k8s.V1ClusterRoleBinding;
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'custom-scheduler', namespace: 'custom-scheduler' }]);
  });

  test('the ClusterRole grants exactly what the scheduler calls', () => {
    const calls = callsInSrcCluster();
    const unknown = [...calls].filter((c) => !(c in PERMISSIONS) && /^(list|read|create|patch|replace|delete)/.test(c));
    expect(unknown).toEqual([]); // a new API call: add it to PERMISSIONS and to k8s/rbac/clusterrole.yaml
    const needed = new Set([...calls].flatMap((c) => PERMISSIONS[c] ?? []));
    const role = byKind('ClusterRole')[0] as k8s.V1ClusterRole;
    const granted = new Set(
      (role.rules ?? []).flatMap((r) =>
        (r.apiGroups ?? []).flatMap((g) => (r.resources ?? []).flatMap((res) => r.verbs.map((v) => `${g}/${res} ${v}`))),
      ),
    );
    expect([...granted].sort()).toEqual([...needed].sort());
    expect((role.rules ?? []).every((r) => r.resourceNames === undefined && r.nonResourceURLs === undefined)).toBe(true);
  });

  test('the Deployment: one replica, probes on the HTTP port, requests, restricted security context', () => {
    const d = byKind('Deployment')[0] as k8s.V1Deployment;
    expect(d.spec?.replicas).toBe(1);
    expect(d.spec?.strategy?.type).toBe('Recreate');
    const pod = d.spec!.template.spec!;
    expect(pod.serviceAccountName).toBe('custom-scheduler');
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    const c = pod.containers[0]!;
    expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(c.livenessProbe?.httpGet?.path).toBe('/healthz');
    expect(c.readinessProbe?.httpGet?.path).toBe('/readyz');
    expect(c.ports?.[0]?.containerPort).toBe(8080);
    expect(c.env?.find((e) => e.name === 'CUSTOM_SCHEDULER_HTTP_PORT')?.value).toBe('8080');
    expect(c.resources?.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
    expect(c.image).toBe('custom-scheduler:dev');
  });

  test('k8s/rbac alone is the namespace, service account and permissions', () => {
    expect(kustomize('k8s/rbac').map((o) => o.kind).sort()).toEqual(['ClusterRole', 'ClusterRoleBinding', 'Namespace', 'ServiceAccount']);
  });
});

describe('Dockerfile', () => {
  const text = readFileSync(`${root}/Dockerfile`, 'utf8');
  const final = text.slice(text.lastIndexOf('\nFROM '));

  test('builds on Node 24 and ships only the production install, as a non-root user', () => {
    expect(text.match(/^FROM node:24\S*/gm)?.length).toBeGreaterThanOrEqual(2);
    expect(text).toMatch(/RUN npm ci\b/);
    expect(text).toMatch(/RUN npm run build/);
    expect(text).toMatch(/npm ci --omit=dev/);
    expect(final).toMatch(/^USER [1-9][0-9]*(:[0-9]+)?$/m);
    expect(final).toMatch(/^ENTRYPOINT \["node", "dist\/main\.js", "run"\]$/m);
    expect(final).not.toMatch(/COPY (src|\.) /);
  });
});
