// The planner's view of the cluster: plain readonly data, already parsed.
// Conversion from Kubernetes objects (kubectl JSON or client objects) lives in
// src/snapshot; nothing here knows about the API or the clock.

/**
 * Amounts of resources in the units kube-scheduler compares them in:
 * `cpu` in millicores, every other resource in its base unit (bytes, or a count),
 * rounded up to an integer. `scalar` holds hugepages-* and extended resources
 * (nvidia.com/gpu, ...); absent keys mean zero.
 */
export interface Resources {
  readonly cpu: number;
  readonly memory: number;
  readonly ephemeralStorage: number;
  readonly scalar: ReadonlyMap<string, number>;
}

export type TaintEffect = 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';

export interface Taint {
  readonly key: string;
  readonly value: string;
  readonly effect: TaintEffect;
}

export interface Toleration {
  readonly key: string; // '' with operator Exists tolerates every key
  readonly operator: 'Equal' | 'Exists';
  readonly value: string;
  readonly effect: TaintEffect | ''; // '' matches every effect
}

export type SelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';

export interface SelectorRequirement {
  readonly key: string;
  readonly operator: SelectorOperator;
  readonly values: readonly string[];
}

/** A node selector term: its expressions (labels) and fields (metadata.name) are ANDed. */
export interface NodeSelectorTerm {
  readonly matchExpressions: readonly SelectorRequirement[];
  readonly matchFields: readonly SelectorRequirement[];
}

export interface PreferredTerm {
  readonly weight: number;
  readonly preference: NodeSelectorTerm;
}

export interface HostPort {
  readonly hostIP: string; // '0.0.0.0' when unset
  readonly protocol: string; // 'TCP' when unset
  readonly port: number;
}

/**
 * A required or preferred pod (anti-)affinity term, processed as kube-scheduler does:
 * matchLabelKeys/mismatchLabelKeys already merged into `selector`.
 */
export interface PodAffinityTerm {
  /** undefined matches no pod (a term without labelSelector). */
  readonly selector: LabelSelector | undefined;
  /** Namespaces listed by the term; the pod's own when neither namespaces nor namespaceSelector is given. */
  readonly namespaces: readonly string[];
  /** undefined selects no namespace; an empty selector selects every namespace. */
  readonly namespaceSelector: LabelSelector | undefined;
  readonly topologyKey: string;
}

export interface WeightedPodAffinityTerm {
  readonly weight: number;
  readonly term: PodAffinityTerm;
}

/** spec.affinity.podAffinity and podAntiAffinity. */
export interface PodAffinityRules {
  readonly required: readonly PodAffinityTerm[];
  readonly preferred: readonly WeightedPodAffinityTerm[];
  readonly requiredAnti: readonly PodAffinityTerm[];
  readonly preferredAnti: readonly WeightedPodAffinityTerm[];
}

export const NO_POD_AFFINITY: PodAffinityRules = Object.freeze({
  required: [],
  preferred: [],
  requiredAnti: [],
  preferredAnti: [],
});

export type NodeInclusionPolicy = 'Honor' | 'Ignore';

/** One of spec.topologySpreadConstraints, defaults applied and matchLabelKeys merged into `selector`. */
export interface SpreadConstraint {
  readonly maxSkew: number;
  readonly topologyKey: string;
  readonly whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway';
  /** undefined counts no pod. */
  readonly selector: LabelSelector | undefined;
  /** 1 when unset. */
  readonly minDomains: number;
  readonly nodeAffinityPolicy: NodeInclusionPolicy;
  readonly nodeTaintsPolicy: NodeInclusionPolicy;
}

/** A volume of the pod backed by a PersistentVolumeClaim, or an inline CSI volume. */
export type PodVolume =
  | {
      readonly kind: 'claim';
      readonly name: string;
      /** The claim's name in the pod's namespace: claimName, or `<pod>-<volume>` for a generic ephemeral volume. */
      readonly claimName: string;
      /** A generic ephemeral volume: its claim must be owned (controlled) by the pod. */
      readonly ephemeral: boolean;
    }
  | { readonly kind: 'csi'; readonly name: string; readonly driver: string };

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';

/**
 * Where a gang is declared: the scheduler's own annotations, a PodGroup object of
 * Kubernetes (scheduling.k8s.io), scheduler-plugins (scheduling.x-k8s.io) or Volcano
 * (scheduling.volcano.sh), or Kueue's pod group labels.
 */
export type GangSource = 'custom' | 'kubernetes' | 'scheduler-plugins' | 'volcano' | 'kueue';

/** The sources whose gangs are PodGroup objects the pod names. */
export type PodGroupSource = 'kubernetes' | 'scheduler-plugins' | 'volcano';

/**
 * A gang the pod's own object declares, read where the pod is converted. `member`: the
 * pod names the gang `name` of its namespace; `invalid`: the declaration names no gang
 * (an invalid name, a quorum without a name), so the pod is held on its own.
 */
export type GangRef =
  | {
      readonly kind: 'member';
      readonly source: GangSource;
      /** The gang's name in the pod's namespace; for the PodGroup sources, the PodGroup's name. */
      readonly name: string;
      /** Where the pod names it, for reasons: `annotation <prefix>/group-name`, `label ...`, `spec....`. */
      readonly field: string;
      /** The quorum the pod itself states (min-available, Kueue's total count); undefined when none. */
      readonly quorum: number | undefined;
      /** The stated quorum is invalid (the text names the field and the value): the gang is held with it. */
      readonly quorumProblem: string | undefined;
      /**
       * The node label every member must share a value of (`<prefix>/topology-key`, stated on
       * the pod whatever declares its gang); undefined when the pod states none.
       */
      readonly topologyKey: string | undefined;
      /** The node label whose tightest domain is tried first (`<prefix>/preferred-topology-key`). */
      readonly preferredTopologyKey: string | undefined;
      /** A stated topology key is invalid (the text names the annotation and the value): the gang is held with it. */
      readonly topologyProblem: string | undefined;
    }
  | { readonly kind: 'invalid'; readonly source: GangSource; readonly problem: string };

export interface Pod {
  /** `namespace/name`, the identity used everywhere in a plan. */
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly schedulerName: string;
  /** '' when not bound. */
  readonly nodeName: string;
  readonly phase: PodPhase;
  /** Milliseconds since the epoch. */
  readonly creationTime: number;
  /** Set when the pod is being deleted (metadata.deletionTimestamp), ms since the epoch. */
  readonly deletionTime: number | undefined;
  readonly priority: number;
  readonly preemptionPolicy: 'PreemptLowerPriority' | 'Never';
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** Effective request: init containers, sidecars, overhead and pod-level resources applied. */
  readonly requests: Resources;
  readonly nodeSelector: Readonly<Record<string, string>>;
  /** Required node affinity terms (ORed); undefined when the pod has none. */
  readonly requiredAffinity: readonly NodeSelectorTerm[] | undefined;
  readonly preferredAffinity: readonly PreferredTerm[];
  readonly tolerations: readonly Toleration[];
  readonly hostPorts: readonly HostPort[];
  readonly podAffinity: PodAffinityRules;
  readonly spread: readonly SpreadConstraint[];
  /** Volumes backed by claims, and inline CSI volumes; other volume kinds need no scheduling. */
  readonly volumes: readonly PodVolume[];
  /** spec.resourceClaims is set (dynamic resource allocation): devices this scheduler does not allocate. */
  readonly resourceClaims: boolean;
  /** status.nominatedNodeName, '' when none. */
  readonly nominatedNodeName: string;
  readonly schedulingGated: boolean;
  /** The gangs the pod declares, one per source at most; absent when it declares none. */
  readonly gangRefs?: readonly GangRef[];
}

export interface Node {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly allocatable: Resources;
  /** status.allocatable.pods */
  readonly allocatablePods: number;
  readonly taints: readonly Taint[];
  readonly unschedulable: boolean;
  /** The Ready condition is True. */
  readonly ready: boolean;
}

export interface LabelSelector {
  readonly matchLabels: Readonly<Record<string, string>>;
  readonly matchExpressions: readonly SelectorRequirement[];
}

export interface PodDisruptionBudget {
  readonly namespace: string;
  readonly name: string;
  /** undefined selects nothing; an empty selector selects every pod of the namespace. */
  readonly selector: LabelSelector | undefined;
  readonly disruptionsAllowed: number;
  /** Names of pods already counted as disrupted (status.disruptedPods). */
  readonly disruptedPods: ReadonlySet<string>;
}

export type AccessMode = 'ReadWriteOnce' | 'ReadOnlyMany' | 'ReadWriteMany' | 'ReadWriteOncePod';
export type VolumeMode = 'Filesystem' | 'Block';

/** A PersistentVolumeClaim. */
export interface Claim {
  /** `namespace/name` */
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  /** spec.storageClassName; '' = no class (binds only to volumes without one). */
  readonly storageClassName: string;
  /** spec.volumeName: the volume it is bound (or being bound) to; '' when none. */
  readonly volumeName: string;
  readonly phase: 'Pending' | 'Bound' | 'Lost';
  readonly accessModes: readonly AccessMode[];
  /** spec.resources.requests.storage in bytes; 0 when unset. */
  readonly request: number;
  /** spec.selector over volume labels; undefined = any volume. */
  readonly selector: LabelSelector | undefined;
  readonly volumeMode: VolumeMode;
  readonly deleting: boolean;
  readonly annotations: Readonly<Record<string, string>>;
  /** UID of the pod that controls it (a generic ephemeral volume's claim); '' when none. */
  readonly controllerPodUid: string;
}

/** A PersistentVolume. */
export interface PersistentVolume {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** spec.capacity.storage in bytes. */
  readonly capacity: number;
  readonly accessModes: readonly AccessMode[];
  readonly storageClassName: string;
  readonly volumeMode: VolumeMode;
  /** spec.claimRef: the claim it is bound or pre-bound to; uid '' when the ref has none. */
  readonly claimRef: { readonly namespace: string; readonly name: string; readonly uid: string } | undefined;
  /** spec.nodeAffinity.required terms (ORed); undefined = every node. */
  readonly nodeAffinity: readonly NodeSelectorTerm[] | undefined;
  readonly phase: 'Pending' | 'Available' | 'Bound' | 'Released' | 'Failed';
  /** spec.csi.driver and volumeHandle; '' when not a CSI volume. */
  readonly csiDriver: string;
  readonly csiHandle: string;
  readonly deleting: boolean;
}

export interface StorageClass {
  readonly name: string;
  readonly provisioner: string;
  readonly bindingMode: 'Immediate' | 'WaitForFirstConsumer';
  /** allowedTopologies as node selector terms (ORed); undefined = every node. */
  readonly allowedTopologies: readonly NodeSelectorTerm[] | undefined;
}

/** A CSINode: how many volumes of each CSI driver the node can attach (undefined = no limit). */
export interface CsiNode {
  readonly name: string;
  readonly attachLimits: ReadonlyMap<string, number | undefined>;
}

/** A namespace's labels, for the namespaceSelector of pod affinity terms. */
export interface Namespace {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** What a gang needs at least, over all its members (a PodGroup's spec.minResources). */
export interface MinResources {
  readonly resources: Resources;
  /** The `pods` entry; 0 when absent. */
  readonly pods: number;
}

/** A PodGroup object of one of the PodGroup sources, as the planner reads it. */
export interface PodGroup {
  readonly source: PodGroupSource;
  readonly namespace: string;
  readonly name: string;
  /** Members to place together; 'basic': no gang, the members are scheduled one by one. */
  readonly quorum: number | 'basic';
  /** The gang's priority; undefined: the highest priority among its members. */
  readonly priority: number | undefined;
  /** 'Never': the gang evicts nothing to make room for itself. */
  readonly preemptionPolicy: 'PreemptLowerPriority' | 'Never';
  /** 'all': when one bound member would be a preemption victim, every bound member is. */
  readonly disruptionMode: 'single' | 'all';
  /** Every member in one domain of this node label; undefined: no such constraint. */
  readonly topologyKey: string | undefined;
  /** Checked before placing: a gang that needs more than the cluster has can never fit. */
  readonly minResources: MinResources | undefined;
  /** A field this scheduler cannot honour, named with why: the members wait with this text. */
  readonly unsupported: string | undefined;
}

export interface Snapshot {
  readonly nodes: readonly Node[];
  readonly pods: readonly Pod[];
  readonly pdbs: readonly PodDisruptionBudget[];
  /**
   * The cluster's namespaces, when known. Without them a pod whose affinity term
   * selects namespaces by label is held (its namespaces cannot be told).
   */
  readonly namespaces?: readonly Namespace[];
  /** Storage objects; absent means none exist (a pod's claim is then not found). */
  readonly claims?: readonly Claim[];
  readonly volumes?: readonly PersistentVolume[];
  readonly storageClasses?: readonly StorageClass[];
  readonly csiNodes?: readonly CsiNode[];
  /** PodGroup objects of every source; absent means none exist (a pod naming one then waits). */
  readonly podGroups?: readonly PodGroup[];
  /**
   * Gang sources the cluster cannot answer for, with why (`PodGroup API ... is not served by
   * this cluster`): pods naming a gang of such a source wait with that text.
   */
  readonly unavailableGangSources?: Readonly<Partial<Record<GangSource, string>>>;
}

export const ZERO_RESOURCES: Resources = Object.freeze({
  cpu: 0,
  memory: 0,
  ephemeralStorage: 0,
  scalar: new Map<string, number>(),
});
