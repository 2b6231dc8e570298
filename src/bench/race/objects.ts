// The objects the race creates: fake nodes that kwok keeps Ready, small pods, priority
// classes and (for kube-scheduler's gangs) scheduling.k8s.io/v1beta1 PodGroups.

export const RACE_LABEL = 'custom-scheduler.bench/race';
export const KWOK_ANNOTATION = 'kwok.x-k8s.io/node';
export const LOW_PRIORITY = 'race-low';
export const HIGH_PRIORITY = 'race-high';

export interface NodeShape {
  readonly cpu: string;
  readonly memory: string;
  readonly pods: number;
}

export function raceNode(name: string, shape: NodeShape): Record<string, unknown> {
  const capacity = { cpu: shape.cpu, memory: shape.memory, pods: String(shape.pods) };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: { [KWOK_ANNOTATION]: 'fake' },
      labels: { [RACE_LABEL]: 'true', 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', type: 'kwok' },
    },
    status: { capacity, allocatable: capacity },
  };
}

export interface PodShape {
  readonly name: string;
  readonly schedulerName: string;
  /** CPU request, e.g. "100m". */
  readonly cpu: string;
  readonly nodeName?: string;
  readonly priorityClassName?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  /** A scheduling.k8s.io/v1beta1 PodGroup of the pod's namespace (kube-scheduler's gangs). */
  readonly podGroup?: string;
}

export function racePod(shape: PodShape): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: shape.name,
      labels: { [RACE_LABEL]: 'true', ...shape.labels },
      ...(shape.annotations === undefined ? {} : { annotations: shape.annotations }),
    },
    spec: {
      schedulerName: shape.schedulerName,
      terminationGracePeriodSeconds: 0,
      nodeSelector: { [RACE_LABEL]: 'true' },
      ...(shape.nodeName === undefined ? {} : { nodeName: shape.nodeName }),
      ...(shape.priorityClassName === undefined ? {} : { priorityClassName: shape.priorityClassName }),
      ...(shape.podGroup === undefined ? {} : { schedulingGroup: { podGroupName: shape.podGroup } }),
      containers: [
        {
          name: 'app',
          image: 'registry.invalid/race:1',
          resources: { requests: { cpu: shape.cpu, memory: '64Mi' } },
        },
      ],
    },
  };
}

/** A gang for kube-scheduler: every member names it in spec.schedulingGroup.podGroupName. */
export function racePodGroup(name: string, minCount: number, priorityClassName?: string): Record<string, unknown> {
  return {
    apiVersion: 'scheduling.k8s.io/v1beta1',
    kind: 'PodGroup',
    metadata: { name },
    spec: {
      schedulingPolicy: { gang: { minCount } },
      ...(priorityClassName === undefined ? {} : { priorityClassName }),
    },
  };
}

export function priorityClass(name: string, value: number): Record<string, unknown> {
  return {
    apiVersion: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    metadata: { name },
    value,
    preemptionPolicy: 'PreemptLowerPriority',
    description: 'custom-scheduler race',
  };
}

/** Millicores of a CPU quantity the race writes ("100m", "1", "2"). */
export function cpuMillis(cpu: string): number {
  return cpu.endsWith('m') ? Number(cpu.slice(0, -1)) : Number(cpu) * 1000;
}
