// Checked reads of untrusted Kubernetes JSON. A reader throws FieldError with the path
// of the offending field; the converters in this folder catch it and return it as a
// failed Result, so nothing outside src/snapshot ever sees the exception.
import { fail, ok, type Result } from '../core/result.js';

export class FieldError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path}: ${problem}`);
    this.name = 'FieldError';
  }
}

export type Plain = Readonly<Record<string, unknown>>;

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

export function isPlain(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An object, or undefined when absent (null counts as absent, as in the API). */
export function optionalObject(value: unknown, path: string): Plain | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isPlain(value)) throw new FieldError(path, `expected an object, got ${describe(value)}`);
  return value;
}

// Shared empties: a snapshot of 100,000 pods would otherwise allocate millions of them.
const EMPTY_OBJECT: Plain = Object.freeze({});
const EMPTY_LIST: readonly never[] = Object.freeze([]);
const EMPTY_MAP: Readonly<Record<string, string>> = Object.freeze({});

/** The items frozen, or the one shared empty list. */
export function frozenList<T>(items: readonly T[]): readonly T[] {
  return items.length === 0 ? EMPTY_LIST : Object.freeze(items);
}

export function object(value: unknown, path: string): Plain {
  return optionalObject(value, path) ?? EMPTY_OBJECT;
}

export function list(value: unknown, path: string): readonly unknown[] {
  if (value === undefined || value === null) return EMPTY_LIST;
  if (!Array.isArray(value)) throw new FieldError(path, `expected a list, got ${describe(value)}`);
  return value;
}

export function optionalString(value: unknown, path: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new FieldError(path, `expected a string, got ${describe(value)}`);
  return value;
}

export function string(value: unknown, path: string, fallback = ''): string {
  return optionalString(value, path) ?? fallback;
}

export function integer(value: unknown, path: string, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new FieldError(path, `expected an integer, got ${describe(value)}`);
  }
  return value;
}

export function boolean(value: unknown, path: string): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw new FieldError(path, `expected a boolean, got ${describe(value)}`);
  return value;
}

/** A string-to-string map (labels, annotations, nodeSelector), copied and frozen. */
export function stringMap(value: unknown, path: string): Readonly<Record<string, string>> {
  const source = object(value, path);
  if (source === EMPTY_OBJECT) return EMPTY_MAP;
  const copy: Record<string, string> = {};
  for (const [key, entry] of Object.entries(source)) copy[key] = string(entry, `${path}.${key}`);
  return Object.freeze(copy);
}

export function strings(value: unknown, path: string): readonly string[] {
  return frozenList(list(value, path).map((entry, i) => string(entry, `${path}[${i}]`)));
}

/** Milliseconds since the epoch from an RFC 3339 string or a Date; undefined when absent. */
export function optionalTime(value: unknown, path: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const ms = value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) throw new FieldError(path, `invalid timestamp ${describe(value)}`);
  return ms;
}

/** One of a fixed set of strings (an enum of the API), narrowed to the set's type. */
export function oneOf<T extends string>(choices: readonly T[], value: string): value is T {
  return choices.some((choice) => choice === value);
}

/**
 * Runs a reader and turns its FieldError into a failed Result whose error is one line
 * naming the object and the field.
 */
export function readOrError<T>(subject: string, read: () => T): Result<T> {
  try {
    return ok(read());
  } catch (err) {
    if (err instanceof FieldError) return fail(`${subject}: ${err.message}`);
    throw err;
  }
}

export interface Identity {
  readonly namespace: string;
  readonly name: string;
  /** How errors name the object: `pod team-a/train-0`, `node n1`. */
  readonly subject: string;
}

/** Name and namespace ("default" when unset) of an object, checked before anything else. */
export function identify(raw: unknown, kind: string, namespaced: boolean): Result<Identity> {
  const metadata = readOrError(kind, () => object(object(raw, kind)['metadata'], 'metadata'));
  if (!metadata.ok) return metadata;
  const name = readOrError(kind, () => string(metadata.value['name'], 'metadata.name'));
  if (!name.ok) return name;
  if (name.value === '') return fail(`${kind} without metadata.name`);
  if (!namespaced) return ok({ namespace: '', name: name.value, subject: `${kind} ${name.value}` });
  const namespace = readOrError(`${kind} ${name.value}`, () =>
    string(metadata.value['namespace'], 'metadata.namespace'),
  );
  if (!namespace.ok) return namespace;
  const ns = namespace.value || 'default';
  return ok({ namespace: ns, name: name.value, subject: `${kind} ${ns}/${name.value}` });
}
