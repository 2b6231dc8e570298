// k8s/ and the Dockerfile, checked without a cluster: the ClusterRole and the Role grant
// exactly what src/cluster calls, its informers, writes (WRITE_ROUTES) and Lease calls (a new
// API call without a rule, or a rule nobody uses, fails here), the Deployment has its probes, requests and restricted security context,
// and the image runs the production install as a non-root user.
import { describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as k8s from '@kubernetes/client-node';
import { WRITE_ROUTES, type WriteRoute } from '../../src/cluster/api.js';
import { POD_GROUP_APIS } from '../../src/cluster/informers.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const kustomize = (dir: string): k8s.KubernetesObject[] =>
  k8s.loadAllYaml(
    execFileSync('kubectl', ['kustomize', `${root}/${dir}`], { encoding: 'utf8' }),
  ) as k8s.KubernetesObject[];

/**
 * Each client call the scheduler makes, and the permission it needs ("group/resource verb"):
 * in every namespace (the ClusterRole), or in its own namespace only (the Role: the Lease).
 */
const CLUSTER_PERMISSIONS: Record<string, readonly string[]> = {
  // the informers, by the path they list and watch
  '/api/v1/nodes': ['/nodes list', '/nodes watch'],
  '/api/v1/namespaces': ['/namespaces list', '/namespaces watch'],
  '/api/v1/pods': ['/pods list', '/pods watch'],
  '/apis/policy/v1/poddisruptionbudgets': ['policy/poddisruptionbudgets list', 'policy/poddisruptionbudgets watch'],
  '/api/v1/persistentvolumeclaims': ['/persistentvolumeclaims list', '/persistentvolumeclaims watch'],
  '/api/v1/persistentvolumes': ['/persistentvolumes list', '/persistentvolumes watch'],
  '/apis/storage.k8s.io/v1/storageclasses': [
    'storage.k8s.io/storageclasses list',
    'storage.k8s.io/storageclasses watch',
  ],
  '/apis/storage.k8s.io/v1/csinodes': ['storage.k8s.io/csinodes list', 'storage.k8s.io/csinodes watch'],
};

const VERB_OF: Record<WriteRoute['method'], string> = { POST: 'create', PATCH: 'patch' };

/** The permission a write route needs: `/api/v1/namespaces/{namespace}/pods/{name}/binding` POST -> `/pods/binding create`. */
function routePermission(route: WriteRoute): string {
  const parts = route.path.split('/').filter((p) => p !== '');
  const group = parts[0] === 'api' ? '' : (parts[1] ?? '');
  const rest = parts.slice(parts[0] === 'api' ? 2 : 3);
  const scoped = rest[0] === 'namespaces' ? rest.slice(2) : rest;
  const [resource, , subresource] = scoped;
  return `${group}/${resource}${subresource === undefined ? '' : `/${subresource}`} ${VERB_OF[route.method]}`;
}

test('write routes map onto resources and verbs', () => {
  expect(routePermission(WRITE_ROUTES.bind)).toBe('/pods/binding create');
  expect(routePermission(WRITE_ROUTES.volume)).toBe('/persistentvolumes patch');
  expect(routePermission(WRITE_ROUTES.event)).toBe('events.k8s.io/events create');
  expect(routePermission(WRITE_ROUTES.podGroupStatus)).toBe('scheduling.k8s.io/podgroups/status patch');
});
const NAMESPACE_PERMISSIONS: Record<string, readonly string[]> = {
  readNamespacedLease: ['coordination.k8s.io/leases get'],
  createNamespacedLease: ['coordination.k8s.io/leases create'],
  replaceNamespacedLease: ['coordination.k8s.io/leases update'],
};

function grantedBy(rules: readonly k8s.V1PolicyRule[] | undefined): string[] {
  return (rules ?? [])
    .flatMap((r) =>
      (r.apiGroups ?? []).flatMap((g) => (r.resources ?? []).flatMap((res) => r.verbs.map((v) => `${g}/${res} ${v}`))),
    )
    .sort();
}

function neededBy(calls: ReadonlySet<string>, permissions: Record<string, readonly string[]>): string[] {
  return [...new Set([...calls].flatMap((c) => permissions[c] ?? []))].sort();
}

/**
 * The ClusterRole's due: the informers' and generated-client calls found in src/cluster, every
 * write route, and list and watch of the PodGroup kinds (listened to while served).
 */
function clusterNeeds(calls: ReadonlySet<string>): string[] {
  const writes: readonly WriteRoute[] = Object.values(WRITE_ROUTES);
  const podGroups = Object.values(POD_GROUP_APIS).flatMap((api) =>
    ['list', 'watch'].map((verb) => `${api.group}/${api.resource} ${verb}`),
  );
  return [...new Set([...neededBy(calls, CLUSTER_PERMISSIONS), ...writes.map(routePermission), ...podGroups])].sort();
}

function callsInSrcCluster(): Set<string> {
  const dir = `${root}/src/cluster`;
  const calls = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
    const text = readFileSync(`${dir}/${file}`, 'utf8');
    for (const m of text.matchAll(/\b(?:core|events|policy|storage|coordination|api)\s*\.\s*(\w+)\s*\(/g))
      calls.add(m[1]!);
    for (const m of text.matchAll(/\binformer<\w+>\(\s*'([^']+)'/g)) calls.add(m[1]!);
  }
  return calls;
}

describe('k8s/', () => {
  const objects = kustomize('k8s');
  const byKind = (kind: string) => objects.filter((o) => o.kind === kind);

  test('installs the namespace, service account, ClusterRole, Role, bindings, Deployment and both PriorityClasses', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata?.name}`).sort()).toEqual([
      'ClusterRole/custom-scheduler',
      'ClusterRoleBinding/custom-scheduler',
      'Deployment/custom-scheduler',
      'Namespace/custom-scheduler',
      'PriorityClass/batch-high',
      'PriorityClass/batch-low',
      'Role/custom-scheduler',
      'RoleBinding/custom-scheduler',
      'ServiceAccount/custom-scheduler',
    ]);
    const subject = [{ kind: 'ServiceAccount', name: 'custom-scheduler', namespace: 'custom-scheduler' }];
    const clusterBinding = byKind('ClusterRoleBinding')[0] as k8s.V1ClusterRoleBinding;
    expect(clusterBinding.subjects).toEqual(subject);
    expect(clusterBinding.roleRef).toMatchObject({ kind: 'ClusterRole', name: 'custom-scheduler' });
    const binding = byKind('RoleBinding')[0] as k8s.V1RoleBinding;
    expect(binding.metadata?.namespace).toBe('custom-scheduler');
    expect(binding.subjects).toEqual(subject);
    expect(binding.roleRef).toMatchObject({ kind: 'Role', name: 'custom-scheduler' });
  });

  test('the ClusterRole grants exactly what the scheduler calls in every namespace, the Role exactly the Lease calls', () => {
    const calls = callsInSrcCluster();
    const unknown = [...calls].filter(
      (c) =>
        !(c in CLUSTER_PERMISSIONS) &&
        !(c in NAMESPACE_PERMISSIONS) &&
        /^(list|read|create|patch|replace|delete|\/)/.test(c),
    );
    // A new API call: add it to CLUSTER_PERMISSIONS (k8s/rbac/clusterrole.yaml) or NAMESPACE_PERMISSIONS (k8s/rbac/role.yaml).
    expect(unknown).toEqual([]);
    expect(Object.keys(NAMESPACE_PERMISSIONS).every((c) => calls.has(c))).toBe(true);
    const clusterRole = byKind('ClusterRole')[0] as k8s.V1ClusterRole;
    expect(grantedBy(clusterRole.rules)).toEqual(clusterNeeds(calls));
    const role = byKind('Role')[0] as k8s.V1Role;
    expect(role.metadata?.namespace).toBe('custom-scheduler');
    expect(grantedBy(role.rules)).toEqual(neededBy(calls, NAMESPACE_PERMISSIONS));
    for (const rules of [clusterRole.rules, role.rules]) {
      expect((rules ?? []).every((r) => r.resourceNames === undefined && r.nonResourceURLs === undefined)).toBe(true);
    }
  });

  test('the Deployment: two replicas under leader election, probes over HTTPS on the secure port, requests, restricted security context', () => {
    const d = byKind('Deployment')[0] as k8s.V1Deployment;
    // Two replicas are safe only because they elect a leader; never more than two at once.
    expect(d.spec?.replicas).toBe(2);
    expect(d.spec?.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } });
    const env = d.spec!.template.spec!.containers[0]!.env ?? [];
    expect(env.find((e) => e.name === 'CUSTOM_SCHEDULER_LEADER_ELECTION')?.value).toBe('true');
    expect(env.find((e) => e.name === 'POD_NAME')?.valueFrom?.fieldRef?.fieldPath).toBe('metadata.name');
    expect(env.some((e) => e.name === 'CUSTOM_SCHEDULER_LEASE_NAMESPACE')).toBe(false); // the pod's own namespace, where the Role is
    const pod = d.spec!.template.spec!;
    expect(pod.serviceAccountName).toBe('custom-scheduler');
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    const c = pod.containers[0]!;
    expect(c.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(c.livenessProbe?.httpGet?.path).toBe('/healthz');
    expect(c.readinessProbe?.httpGet?.path).toBe('/readyz');
    for (const probe of [c.startupProbe, c.livenessProbe, c.readinessProbe]) {
      expect(probe?.httpGet).toMatchObject({ port: 'https', scheme: 'HTTPS' });
    }
    expect(c.ports?.[0]).toEqual({ name: 'https', containerPort: 10259 });
    expect(c.env?.find((e) => e.name === 'CUSTOM_SCHEDULER_HTTP_PORT')?.value).toBe('10259');
    expect(c.env?.find((e) => e.name === 'CUSTOM_SCHEDULER_SECURE_SERVING')?.value).toBe('on');
    expect(c.resources?.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
    expect(c.image).toBe('custom-scheduler:dev');
  });

  test('k8s/rbac alone is the namespace, service account and permissions', () => {
    expect(
      kustomize('k8s/rbac')
        .map((o) => o.kind)
        .sort(),
    ).toEqual(['ClusterRole', 'ClusterRoleBinding', 'Namespace', 'Role', 'RoleBinding', 'ServiceAccount']);
  });

  test('the namespace enforces, audits and warns on the restricted Pod Security Standard', () => {
    const namespace = kustomize('k8s/rbac').find((o) => o.kind === 'Namespace');
    const labels = namespace?.metadata?.labels ?? {};
    for (const mode of ['enforce', 'audit', 'warn']) {
      expect(labels[`pod-security.kubernetes.io/${mode}`]).toBe('restricted');
      expect(labels[`pod-security.kubernetes.io/${mode}-version`]).toBe('latest');
    }
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
