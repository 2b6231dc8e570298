// Who this replica is and where its Lease lives, for leader election (src/cluster/lease.ts).
import { existsSync, readFileSync } from 'node:fs';

/** The namespace kubelet writes into every pod that mounts a service-account token. */
export const SERVICE_ACCOUNT_NAMESPACE_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

/** Where the Lease lives outside a pod: the namespace k8s/ installs into. */
export const FALLBACK_LEASE_NAMESPACE = 'custom-scheduler';

/**
 * The Lease's namespace: the configured one, else the pod's own (so the namespaced Role of
 * k8s/rbac covers it wherever the install is moved), else custom-scheduler.
 */
export function leaseNamespace(configured: string, readNamespaceFile: () => string | undefined = podNamespace): string {
  if (configured !== '') return configured;
  const own = readNamespaceFile()?.trim() ?? '';
  return own === '' ? FALLBACK_LEASE_NAMESPACE : own;
}

function podNamespace(): string | undefined {
  return existsSync(SERVICE_ACCOUNT_NAMESPACE_FILE) ? readFileSync(SERVICE_ACCOUNT_NAMESPACE_FILE, 'utf8') : undefined;
}

/**
 * POD_NAME (or the host name) plus a random suffix: unique per start, so a restarted pod
 * with the same name never mistakes its predecessor's lease for its own. It also names the
 * replica in the events it writes (at most 128 characters there).
 */
export function replicaIdentity(podOrHost: string, random: () => number): string {
  const suffix = Math.floor(random() * 0x1_0000_0000)
    .toString(16)
    .padStart(8, '0');
  return `${podOrHost.slice(0, 100)}_${suffix}`;
}
