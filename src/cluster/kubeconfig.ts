// Where the scheduler finds the API server: the in-cluster service account, $KUBECONFIG,
// or ~/.kube/config, as kubectl looks.
import { KubeConfig } from '@kubernetes/client-node';

export type { KubeConfig } from '@kubernetes/client-node';

export function defaultKubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromDefault();
  return kc;
}
