// Resource amounts as kube-scheduler computes them: exact sums of quantities (in nanos,
// so that two 0.5m requests make 1m, not 2m), rounded up only at the end: cpu to
// millicores, everything else to whole units.
import type { Resources } from '../core/model.js';
import { milliValueCeil, parseQuantity, QuantityError, type Quantity, valueCeil } from '../core/quantity.js';
import { FieldError, list, object } from './fields.js';

/** Resource name -> amount in nanos (10^-9 of the unit). */
type Amounts = Map<string, bigint>;

// Anything this large is far past Number.MAX_SAFE_INTEGER after rounding; stopping here
// keeps an absurd exponent ("1e2000000000") from building a huge BigInt.
const SATURATED_NANOS = (1n << 63n) * 1_000_000_000n;
const SUPPORTED_POD_LEVEL = (name: string): boolean =>
  name === 'cpu' || name === 'memory' || name.startsWith('hugepages-');

function nanos(q: Quantity): bigint {
  const shift = q.exponent + 9; // >= 0: a parsed quantity has nano precision at most
  if (q.mantissa.toString().length + shift > SATURATED_NANOS.toString().length) return SATURATED_NANOS;
  const value = q.mantissa * 10n ** BigInt(shift);
  return value > SATURATED_NANOS ? SATURATED_NANOS : value;
}

/**
 * Quantity text -> nanos, or why it is not a valid amount. A snapshot repeats a handful of
 * texts ("500m", "2Gi") across 100,000 pods: each is parsed once. Bounded, so a stream of
 * distinct texts cannot grow it without end.
 */
const parsed = new Map<string, bigint | string>();
const PARSED_MAX = 10_000;

function nanosOf(text: string): bigint | string {
  const known = parsed.get(text);
  if (known !== undefined) return known;
  let result: bigint | string;
  try {
    const quantity = parseQuantity(text);
    result = quantity.mantissa < 0n ? `negative quantity ${JSON.stringify(text)}` : nanos(quantity);
  } catch (err) {
    if (!(err instanceof QuantityError)) throw err;
    result = err.message;
  }
  if (parsed.size >= PARSED_MAX) parsed.clear();
  parsed.set(text, result);
  return result;
}

/** A ResourceList (requests, limits, overhead, allocatable); negative amounts are errors. */
export function readAmounts(value: unknown, path: string): Amounts {
  const amounts: Amounts = new Map();
  for (const [name, raw] of Object.entries(object(value, path))) {
    const field = `${path}.${name}`;
    if (typeof raw !== 'string' && typeof raw !== 'number') {
      throw new FieldError(field, `invalid quantity ${JSON.stringify(raw)}`);
    }
    const amount = nanosOf(String(raw));
    if (typeof amount === 'string') throw new FieldError(field, amount);
    amounts.set(name, amount);
  }
  return amounts;
}

function addInto(into: Amounts, from: Amounts): void {
  for (const [name, amount] of from) into.set(name, (into.get(name) ?? 0n) + amount);
}

function maxInto(into: Amounts, from: Amounts): void {
  for (const [name, amount] of from) if (amount > (into.get(name) ?? 0n)) into.set(name, amount);
}

/** Requests, with a limit standing in for a missing request (the API server's defaulting). */
function requestsOf(resources: unknown, path: string): Amounts {
  const requirements = object(resources, path);
  const requests = readAmounts(requirements['requests'], `${path}.requests`);
  const limits = readAmounts(requirements['limits'], `${path}.limits`);
  for (const [name, amount] of limits) if (!requests.has(name)) requests.set(name, amount);
  return requests;
}

/**
 * The effective request of a pod spec: max(app containers + sidecars, each regular init
 * container + the sidecars started before it); pod-level requests replace the result for
 * the resources they support (cpu, memory, hugepages-*); then spec.overhead is added.
 */
export function podRequests(spec: Readonly<Record<string, unknown>>): Resources {
  const total: Amounts = new Map();
  list(spec['containers'], 'spec.containers').forEach((container, i) => {
    const path = `spec.containers[${i}]`;
    addInto(total, requestsOf(object(container, path)['resources'], `${path}.resources`));
  });

  const sidecars: Amounts = new Map();
  const initPeak: Amounts = new Map();
  list(spec['initContainers'], 'spec.initContainers').forEach((container, i) => {
    const path = `spec.initContainers[${i}]`;
    const fields = object(container, path);
    const requests = requestsOf(fields['resources'], `${path}.resources`);
    if (fields['restartPolicy'] === 'Always') {
      addInto(total, requests);
      addInto(sidecars, requests);
      maxInto(initPeak, sidecars);
    } else {
      addInto(requests, sidecars);
      maxInto(initPeak, requests);
    }
  });
  maxInto(total, initPeak);

  const podLevel = requestsOf(spec['resources'], 'spec.resources');
  for (const [name, amount] of podLevel) if (SUPPORTED_POD_LEVEL(name)) total.set(name, amount);

  addInto(total, readAmounts(spec['overhead'], 'spec.overhead'));
  return toResources(total);
}

/** A ResourceList as resources and the pod count (`pods`): a node's allocatable, a PodGroup's minResources. */
export function resourceList(value: unknown, path: string): { resources: Resources; pods: number } {
  const amounts = readAmounts(value, path);
  const pods = amounts.get('pods');
  return { resources: toResources(amounts), pods: pods === undefined ? 0 : ceilUnits(pods) };
}

/** The `storage` entry of a ResourceList (a claim's request, a volume's capacity) in bytes, rounded up; 0 when absent. */
export function storageBytes(value: unknown, path: string): number {
  const amount = readAmounts(value, path).get('storage');
  return amount === undefined ? 0 : ceilUnits(amount);
}

function ceilUnits(amount: bigint): number {
  return valueCeil({ mantissa: amount, exponent: -9 });
}

/** Resources by amounts: pods of one workload share one frozen object (bounded like `parsed`). */
const rounded = new Map<string, Resources>();

function toResources(amounts: Amounts): Resources {
  let key = '';
  for (const [name, amount] of amounts) key += `${name}=${amount};`;
  const known = rounded.get(key);
  if (known !== undefined) return known;
  const resources = roundUp(amounts);
  if (rounded.size >= PARSED_MAX) rounded.clear();
  rounded.set(key, resources);
  return resources;
}

function roundUp(amounts: Amounts): Resources {
  const scalar = new Map<string, number>();
  let cpu = 0;
  let memory = 0;
  let ephemeralStorage = 0;
  for (const name of [...amounts.keys()].sort()) {
    const amount = amounts.get(name) ?? 0n;
    if (name === 'cpu') cpu = milliValueCeil({ mantissa: amount, exponent: -9 });
    else if (name === 'memory') memory = ceilUnits(amount);
    else if (name === 'ephemeral-storage') ephemeralStorage = ceilUnits(amount);
    else if (name !== 'pods' && amount > 0n) scalar.set(name, ceilUnits(amount));
  }
  return Object.freeze({ cpu, memory, ephemeralStorage, scalar });
}
