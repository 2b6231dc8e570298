// Resource arithmetic over the planner's units, on a mutable accumulator that node
// state and preemption dry runs share.
import type { Resources } from './model.js';

/** Requests placed on a node, plus the counts kube-scheduler checks beside them. */
export class Usage {
  cpu = 0;
  memory = 0;
  ephemeralStorage = 0;
  readonly scalar = new Map<string, number>();
  /** Pods of any scheduler (checked against allocatable pods). */
  pods = 0;
  /** Pods of this scheduler (checked against maxPodsPerNode). */
  ourPods = 0;
  /** `protocol/port` -> hostIP -> count. */
  readonly ports = new Map<string, Map<string, number>>();

  clone(): Usage {
    const u = new Usage();
    u.cpu = this.cpu;
    u.memory = this.memory;
    u.ephemeralStorage = this.ephemeralStorage;
    for (const [k, v] of this.scalar) u.scalar.set(k, v);
    u.pods = this.pods;
    u.ourPods = this.ourPods;
    for (const [k, ips] of this.ports) u.ports.set(k, new Map(ips));
    return u;
  }

  /** Adds (sign 1) or removes (sign -1) a pod's footprint. */
  apply(r: Resources, ports: readonly PortKey[], ours: boolean, sign: 1 | -1): void {
    this.cpu += sign * r.cpu;
    this.memory += sign * r.memory;
    this.ephemeralStorage += sign * r.ephemeralStorage;
    for (const [k, v] of r.scalar) this.scalar.set(k, (this.scalar.get(k) ?? 0) + sign * v);
    this.pods += sign;
    if (ours) this.ourPods += sign;
    for (const p of ports) {
      let ips = this.ports.get(p.slot);
      if (ips === undefined) this.ports.set(p.slot, (ips = new Map<string, number>()));
      const n = (ips.get(p.ip) ?? 0) + sign;
      if (n <= 0) ips.delete(p.ip);
      else ips.set(p.ip, n);
      if (ips.size === 0) this.ports.delete(p.slot);
    }
  }
}

/** A host port as the conflict check needs it: `slot` = `protocol/port`. */
export interface PortKey {
  readonly slot: string;
  readonly ip: string;
}

export const ANY_IP = '0.0.0.0';

/** Whether every resource the pod asks for is left on the node (allocation-free hot path). */
export function resourcesFit(req: Resources, used: Usage, alloc: Resources): boolean {
  if (req.cpu > 0 && used.cpu + req.cpu > alloc.cpu) return false;
  if (req.memory > 0 && used.memory + req.memory > alloc.memory) return false;
  if (req.ephemeralStorage > 0 && used.ephemeralStorage + req.ephemeralStorage > alloc.ephemeralStorage) return false;
  for (const [name, amount] of req.scalar) {
    if (amount > 0 && (used.scalar.get(name) ?? 0) + amount > (alloc.scalar.get(name) ?? 0)) return false;
  }
  return true;
}

/** The names of the resources the pod asks for that the node cannot give. */
export function insufficientResources(req: Resources, used: Usage, alloc: Resources): string[] {
  const short: string[] = [];
  if (req.cpu > 0 && used.cpu + req.cpu > alloc.cpu) short.push('cpu');
  if (req.memory > 0 && used.memory + req.memory > alloc.memory) short.push('memory');
  if (req.ephemeralStorage > 0 && used.ephemeralStorage + req.ephemeralStorage > alloc.ephemeralStorage) {
    short.push('ephemeral-storage');
  }
  for (const [name, amount] of req.scalar) {
    if (amount > 0 && (used.scalar.get(name) ?? 0) + amount > (alloc.scalar.get(name) ?? 0)) short.push(name);
  }
  return short;
}

/** True when one of the pod's host ports is taken; 0.0.0.0 conflicts with every IP. */
export function portsConflict(ports: readonly PortKey[], used: Usage): boolean {
  for (const p of ports) {
    const ips = used.ports.get(p.slot);
    if (ips === undefined) continue;
    if (p.ip === ANY_IP || ips.has(p.ip) || ips.has(ANY_IP)) return true;
  }
  return false;
}
