// The annotations a volume choice is written with.

/** Set on a claim to the node chosen for it; the provisioner creates the volume there (first-consumer binding). */
export const SELECTED_NODE = 'volume.kubernetes.io/selected-node';

/** Set on a volume the scheduler pre-binds to a claim, as kube-scheduler's binder sets it. */
export const BOUND_BY_CONTROLLER = 'pv.kubernetes.io/bound-by-controller';

/** Set on a claim when this scheduler makes a choice for it: RFC 3339 time, for the bind timeout. */
export function chosenAtAnnotation(prefix: string): string {
  return `${prefix}/volume-chosen-at`;
}
