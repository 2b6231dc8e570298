// The subset of Kubernetes JSON the snapshot reads, as structural types. They fit both
// kubectl JSON (timestamps are strings) and @kubernetes/client-node 2.x objects
// (timestamps are Date). Every field is optional and may be null: the input is
// untrusted, and the converter checks what it uses.

export type Timestamp = string | Date;

/** Quantities are strings in the API; JSON numbers are accepted as the API server does. */
export type KubeQuantity = string | number;

export type KubeResourceList = Readonly<Record<string, KubeQuantity>>;

type Maybe<T> = T | null | undefined;

export interface KubeObjectMeta {
  readonly name?: Maybe<string>;
  readonly namespace?: Maybe<string>;
  readonly uid?: Maybe<string>;
  readonly labels?: Maybe<Readonly<Record<string, string>>>;
  readonly annotations?: Maybe<Readonly<Record<string, string>>>;
  readonly creationTimestamp?: Maybe<Timestamp>;
  readonly deletionTimestamp?: Maybe<Timestamp>;
}

export interface KubeResourceRequirements {
  readonly requests?: Maybe<KubeResourceList>;
  readonly limits?: Maybe<KubeResourceList>;
}

export interface KubeContainerPort {
  readonly containerPort?: Maybe<number>;
  readonly hostPort?: Maybe<number>;
  readonly hostIP?: Maybe<string>;
  readonly protocol?: Maybe<string>;
}

export interface KubeContainer {
  readonly name?: Maybe<string>;
  readonly resources?: Maybe<KubeResourceRequirements>;
  readonly ports?: Maybe<readonly KubeContainerPort[]>;
  /** `Always` on an init container makes it a sidecar. */
  readonly restartPolicy?: Maybe<string>;
}

export interface KubeSelectorRequirement {
  readonly key?: Maybe<string>;
  readonly operator?: Maybe<string>;
  readonly values?: Maybe<readonly string[]>;
}

export interface KubeNodeSelectorTerm {
  readonly matchExpressions?: Maybe<readonly KubeSelectorRequirement[]>;
  readonly matchFields?: Maybe<readonly KubeSelectorRequirement[]>;
}

export interface KubePreferredSchedulingTerm {
  readonly weight?: Maybe<number>;
  readonly preference?: Maybe<KubeNodeSelectorTerm>;
}

export interface KubeNodeAffinity {
  readonly requiredDuringSchedulingIgnoredDuringExecution?: Maybe<{
    readonly nodeSelectorTerms?: Maybe<readonly KubeNodeSelectorTerm[]>;
  }>;
  readonly preferredDuringSchedulingIgnoredDuringExecution?: Maybe<readonly KubePreferredSchedulingTerm[]>;
}

export interface KubeToleration {
  readonly key?: Maybe<string>;
  readonly operator?: Maybe<string>;
  readonly value?: Maybe<string>;
  readonly effect?: Maybe<string>;
  readonly tolerationSeconds?: Maybe<number>;
}

export interface KubePodSpec {
  readonly schedulerName?: Maybe<string>;
  readonly nodeName?: Maybe<string>;
  readonly priority?: Maybe<number>;
  readonly priorityClassName?: Maybe<string>;
  readonly preemptionPolicy?: Maybe<string>;
  readonly nodeSelector?: Maybe<Readonly<Record<string, string>>>;
  readonly affinity?: Maybe<{ readonly nodeAffinity?: Maybe<KubeNodeAffinity> }>;
  readonly tolerations?: Maybe<readonly KubeToleration[]>;
  readonly containers?: Maybe<readonly KubeContainer[]>;
  readonly initContainers?: Maybe<readonly KubeContainer[]>;
  readonly overhead?: Maybe<KubeResourceList>;
  /** Pod-level resources (PodLevelResources feature). */
  readonly resources?: Maybe<KubeResourceRequirements>;
  readonly schedulingGates?: Maybe<readonly { readonly name?: Maybe<string> }[]>;
}

export interface KubePod {
  readonly apiVersion?: Maybe<string>;
  readonly kind?: Maybe<string>;
  readonly metadata?: Maybe<KubeObjectMeta>;
  readonly spec?: Maybe<KubePodSpec>;
  readonly status?: Maybe<{
    readonly phase?: Maybe<string>;
    readonly nominatedNodeName?: Maybe<string>;
  }>;
}

export interface KubeTaint {
  readonly key?: Maybe<string>;
  readonly value?: Maybe<string>;
  readonly effect?: Maybe<string>;
}

export interface KubeNodeCondition {
  readonly type?: Maybe<string>;
  readonly status?: Maybe<string>;
}

export interface KubeNode {
  readonly apiVersion?: Maybe<string>;
  readonly kind?: Maybe<string>;
  readonly metadata?: Maybe<KubeObjectMeta>;
  readonly spec?: Maybe<{
    readonly unschedulable?: Maybe<boolean>;
    readonly taints?: Maybe<readonly KubeTaint[]>;
  }>;
  readonly status?: Maybe<{
    readonly allocatable?: Maybe<KubeResourceList>;
    readonly conditions?: Maybe<readonly KubeNodeCondition[]>;
  }>;
}

export interface KubeLabelSelector {
  readonly matchLabels?: Maybe<Readonly<Record<string, string>>>;
  readonly matchExpressions?: Maybe<readonly KubeSelectorRequirement[]>;
}

export interface KubePdb {
  readonly apiVersion?: Maybe<string>;
  readonly kind?: Maybe<string>;
  readonly metadata?: Maybe<KubeObjectMeta>;
  readonly spec?: Maybe<{
    readonly selector?: Maybe<KubeLabelSelector>;
    readonly minAvailable?: Maybe<number | string>;
    readonly maxUnavailable?: Maybe<number | string>;
  }>;
  readonly status?: Maybe<{
    readonly disruptionsAllowed?: Maybe<number>;
    readonly disruptedPods?: Maybe<Readonly<Record<string, Timestamp>>>;
  }>;
}

export interface KubeList {
  readonly apiVersion?: Maybe<string>;
  readonly kind?: Maybe<string>;
  readonly items?: Maybe<readonly unknown[]>;
}
