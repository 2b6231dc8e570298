// Pod -> core Pod, with kube-scheduler's defaults (namespace, scheduler name, phase,
// priority, preemption policy) applied.
import type { HostPort, Pod, PodPhase } from '../core/model.js';
import { DEFAULT_PLAN_CONFIG } from '../core/plan-types.js';
import type { Result } from '../core/result.js';
import {
  FieldError,
  frozenList,
  identify,
  integer,
  list,
  object,
  oneOf,
  optionalTime,
  type Plain,
  readOrError,
  string,
  stringMap,
} from './fields.js';
import { gangRefs } from './gang-refs.js';
import { podAffinityRules, spreadConstraints } from './pod-topology.js';
import { podVolumes } from './pod-volumes.js';
import { podRequests } from './resources.js';
import { preferredAffinity, requiredAffinity, tolerations } from './selectors.js';

const PHASES: readonly PodPhase[] = ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'];

/** What converting a pod depends on besides the pod. */
export interface PodConversion {
  /** Prefix of the custom gang annotations (the planner setting annotationPrefix). */
  readonly annotationPrefix: string;
}

export const DEFAULT_POD_CONVERSION: PodConversion = Object.freeze({
  annotationPrefix: DEFAULT_PLAN_CONFIG.annotationPrefix,
});

/** Any value (kubectl JSON, a client-node V1Pod): checked field by field. */
export function convertPod(obj: unknown, options: PodConversion = DEFAULT_POD_CONVERSION): Result<Pod> {
  const id = identify(obj, 'pod', true);
  if (!id.ok) return id;
  return readOrError(id.value.subject, () =>
    readPod(object(obj, 'pod'), id.value.namespace, id.value.name, options.annotationPrefix),
  );
}

function readPod(raw: Plain, namespace: string, name: string, annotationPrefix: string): Pod {
  const metadata = object(raw['metadata'], 'metadata');
  const spec = object(raw['spec'], 'spec');
  const status = object(raw['status'], 'status');
  const phase = string(status['phase'], 'status.phase', 'Pending');
  if (!oneOf(PHASES, phase)) throw new FieldError('status.phase', `unknown phase ${JSON.stringify(phase)}`);
  const preemptionPolicy = string(spec['preemptionPolicy'], 'spec.preemptionPolicy', 'PreemptLowerPriority');
  if (preemptionPolicy !== 'PreemptLowerPriority' && preemptionPolicy !== 'Never') {
    throw new FieldError('spec.preemptionPolicy', `unknown policy ${JSON.stringify(preemptionPolicy)}`);
  }
  const nodeAffinity = object(spec['affinity'], 'spec.affinity')['nodeAffinity'];
  const labels = stringMap(metadata['labels'], 'metadata.labels');
  const annotations = stringMap(metadata['annotations'], 'metadata.annotations');
  const gangs = gangRefs(spec, labels, annotations, annotationPrefix);
  return Object.freeze({
    key: `${namespace}/${name}`,
    namespace,
    name,
    uid: string(metadata['uid'], 'metadata.uid'),
    schedulerName: string(spec['schedulerName'], 'spec.schedulerName') || 'default-scheduler',
    nodeName: string(spec['nodeName'], 'spec.nodeName'),
    phase,
    creationTime: optionalTime(metadata['creationTimestamp'], 'metadata.creationTimestamp') ?? 0,
    deletionTime: optionalTime(metadata['deletionTimestamp'], 'metadata.deletionTimestamp'),
    priority: integer(spec['priority'], 'spec.priority', 0),
    preemptionPolicy,
    labels,
    annotations,
    requests: podRequests(spec),
    nodeSelector: stringMap(spec['nodeSelector'], 'spec.nodeSelector'),
    requiredAffinity: requiredAffinity(nodeAffinity, 'spec.affinity.nodeAffinity'),
    preferredAffinity: preferredAffinity(nodeAffinity, 'spec.affinity.nodeAffinity'),
    tolerations: tolerations(spec['tolerations'], 'spec.tolerations'),
    hostPorts: hostPorts(spec),
    podAffinity: podAffinityRules(spec, namespace, labels),
    spread: spreadConstraints(spec, labels),
    volumes: podVolumes(spec, name),
    resourceClaims: list(spec['resourceClaims'], 'spec.resourceClaims').length > 0,
    nominatedNodeName: string(status['nominatedNodeName'], 'status.nominatedNodeName'),
    schedulingGated: list(spec['schedulingGates'], 'spec.schedulingGates').length > 0,
    ...(gangs.length > 0 ? { gangRefs: gangs } : {}),
  });
}

/** Host ports of every container and init container (sidecars hold theirs too). */
function hostPorts(spec: Plain): readonly HostPort[] {
  const ports: HostPort[] = [];
  for (const group of ['containers', 'initContainers']) {
    list(spec[group], `spec.${group}`).forEach((container, i) => {
      const path = `spec.${group}[${i}].ports`;
      list(object(container, `spec.${group}[${i}]`)['ports'], path).forEach((entry, j) => {
        const fields = object(entry, `${path}[${j}]`);
        const port = integer(fields['hostPort'], `${path}[${j}].hostPort`, 0);
        if (port <= 0) return;
        ports.push(
          Object.freeze({
            hostIP: string(fields['hostIP'], `${path}[${j}].hostIP`) || '0.0.0.0',
            protocol: string(fields['protocol'], `${path}[${j}].protocol`) || 'TCP',
            port,
          }),
        );
      });
    });
  }
  return frozenList(ports);
}
