// One API call with bounded retries (exponential-backoff: jitter, capped delay, a
// fixed number of attempts) that never outlives the pass that made it.
import { backOff } from 'exponential-backoff';
import { fail, ok, type Failure, type Success } from '../core/index.js';
import { classifyError, type ClassifiedError } from './errors.js';

export interface RetryPolicy {
  /** Attempts in total, the first one included (>= 1). */
  readonly attempts: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({ attempts: 5, initialDelayMs: 200, maxDelayMs: 5_000 });

/** A failed call says, beyond its error, whether it was abandoned rather than refused. */
export interface CallFailure extends Failure<ClassifiedError> {
  /** The deadline passed before an answer: the call may still take effect. */
  readonly abandoned: boolean;
}

/** core's Result, its failure extended with `abandoned`. */
export type CallOutcome<T> = Success<T> | CallFailure;

export interface CallOptions {
  /** Aborted when the pass's deadline passes: stop waiting and stop retrying. */
  readonly signal?: AbortSignal | undefined;
  /** Which failures to retry; default: transient ones. */
  readonly retryable?: (error: ClassifiedError) => boolean;
}

/** The rejection of a call given up because the pass's signal aborted (identity-compared). */
class Abandoned extends Error {}
const ABANDONED = new Abandoned('abandoned');

export async function callWithRetry<T>(
  call: () => Promise<T>,
  policy: RetryPolicy,
  options: CallOptions = {},
): Promise<CallOutcome<T>> {
  const { signal } = options;
  const retryable = options.retryable ?? ((e: ClassifiedError) => e.kind === 'transient');
  try {
    // Once the signal aborts nothing more is sent: a pass past its deadline, or a leader
    // that lost its lease, must not keep writing.
    const value = await backOff(
      () => (signal?.aborted === true ? Promise.reject(ABANDONED) : raceSignal(call(), signal)),
      {
        numOfAttempts: Math.max(1, policy.attempts),
        startingDelay: policy.initialDelayMs,
        maxDelay: policy.maxDelayMs,
        timeMultiple: 2,
        jitter: 'full',
        retry: (err: unknown) => err !== ABANDONED && signal?.aborted !== true && retryable(classifyError(err)),
      },
    );
    return ok(value);
  } catch (err) {
    if (err === ABANDONED || signal?.aborted === true) {
      const error: ClassifiedError = {
        kind: 'transient',
        status: undefined,
        message: 'abandoned at the pass deadline',
      };
      return { ...fail(error), abandoned: true };
    }
    return { ...fail(classifyError(err)), abandoned: false };
  }
}

/** Resolves with the call, or rejects with ABANDONED as soon as the signal aborts. */
function raceSignal<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) {
    promise.catch(() => undefined); // the call runs on; its late failure must not go unhandled
    return Promise.reject(ABANDONED);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(ABANDONED);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- passes the call's own failure on unchanged
        reject(e);
      },
    );
  });
}
