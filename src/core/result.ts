// The one shape of a fallible step's answer: a value, or an error that says what is
// wrong and where. Narrow on `ok`. A step with more to say on failure (a retried API
// call says whether it was abandoned) extends `Failure` rather than inventing a shape.

export interface Success<T> {
  readonly ok: true;
  readonly value: T;
}

export interface Failure<E = string> {
  readonly ok: false;
  readonly error: E;
}

export type Result<T, E = string> = Success<T> | Failure<E>;

export function ok<T>(value: T): Success<T> {
  return { ok: true, value };
}

export function fail<E>(error: E): Failure<E> {
  return { ok: false, error };
}
