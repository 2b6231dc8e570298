// The few fields of an informer object the store needs besides its conversion: who it
// is, and for a pod where it runs and what its PodScheduled condition says. Read
// leniently (a missing or odd field reads as empty), because the store needs them
// even for a pod whose full conversion failed, to report it.
import { isPlain } from './fields.js';

/** Identity and version of any object. */
export interface ObjectHeader {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly resourceVersion: string;
}

/** The PodScheduled condition as the API server has it now. */
export interface ScheduledCondition {
  readonly status: string;
  readonly reason: string;
  readonly message: string;
}

export interface PodHeader extends ObjectHeader {
  readonly schedulerName: string;
  readonly nodeName: string;
  /** metadata.deletionTimestamp is set: the pod is being deleted. */
  readonly terminating: boolean;
  readonly nominatedNodeName: string;
  readonly scheduled: ScheduledCondition | undefined;
}

function field(value: unknown, key: string): unknown {
  return isPlain(value) ? value[key] : undefined;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

export function objectHeader(raw: unknown): ObjectHeader {
  const metadata = field(raw, 'metadata');
  return {
    namespace: text(field(metadata, 'namespace')),
    name: text(field(metadata, 'name')),
    uid: text(field(metadata, 'uid')),
    resourceVersion: text(field(metadata, 'resourceVersion')),
  };
}

export function podHeader(raw: unknown): PodHeader {
  const spec = field(raw, 'spec');
  const status = field(raw, 'status');
  const deletion = field(field(raw, 'metadata'), 'deletionTimestamp');
  return {
    ...objectHeader(raw),
    schedulerName: text(field(spec, 'schedulerName')),
    nodeName: text(field(spec, 'nodeName')),
    terminating: deletion !== undefined && deletion !== null,
    nominatedNodeName: text(field(status, 'nominatedNodeName')),
    scheduled: scheduledCondition(field(status, 'conditions')),
  };
}

function scheduledCondition(conditions: unknown): ScheduledCondition | undefined {
  if (!Array.isArray(conditions)) return undefined;
  const condition: unknown = conditions.find((c) => field(c, 'type') === 'PodScheduled');
  if (condition === undefined) return undefined;
  return {
    status: text(field(condition, 'status')),
    reason: text(field(condition, 'reason')),
    message: text(field(condition, 'message')),
  };
}
