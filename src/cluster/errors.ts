// Classifying API failures, so each caller knows what to do next without looking at
// status codes itself: gone and conflict are outcomes, not failures; transient
// errors are retried; forbidden is fatal for that one call only.

/** What an API failure means for the call that received it. */
export type ErrorClass =
  /** 404: the object is gone; for the caller the work is done. */
  | 'gone'
  /** 409: someone changed it first (e.g. the pod is already bound); done, resync from the watch. */
  | 'conflict'
  /** 429, 5xx, timeouts, network failures: worth trying again after a while. */
  | 'transient'
  /** 403: we lack a permission; retrying will not help. */
  | 'forbidden'
  /** Anything else (400, 422, ...): the request itself is wrong; retrying will not help. */
  | 'invalid';

export interface ClassifiedError {
  readonly kind: ErrorClass;
  /** HTTP status, when the API server answered. */
  readonly status: number | undefined;
  /** The Status message of the API server, or the error's own message. */
  readonly message: string;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

export function classifyError(err: unknown): ClassifiedError {
  const status = httpStatus(err);
  const message = statusMessage(err);
  if (status !== undefined) return { kind: classifyStatus(status), status, message };
  // No HTTP answer at all: a network failure or a timeout is transient; a bug in our
  // own code (TypeError and the like without a network cause) is not.
  return { kind: isNetworkError(err) ? 'transient' : 'invalid', status: undefined, message };
}

/**
 * Whether a failed bind is worth sending again: a transient error, or a 409 that is not the API
 * server's word that the pod is bound already or is another pod now (the UID precondition).
 * While etcd fails under it, the binding subresource answers 409 with the storage error
 * ("rpc error: code = Unavailable ..."); kept as a conflict, such a bind waited for its
 * assumption to expire (up to assumeTtl) before the pod was tried again. Sent again, it lands,
 * or meets "already assigned" if an earlier attempt had landed after all.
 */
export function bindRetryable(e: ClassifiedError): boolean {
  if (e.kind === 'transient') return true;
  if (e.kind !== 'conflict') return false;
  return !e.message.includes('is already assigned') && !e.message.includes('Precondition failed');
}

export function classifyStatus(status: number): ErrorClass {
  if (status === 404) return 'gone';
  if (status === 409) return 'conflict';
  if (status === 403) return 'forbidden';
  if (status === 429 || status === 408 || status >= 500) return 'transient';
  return 'invalid';
}

/** The HTTP status of an ApiException (`.code`) or a watch error (`.statusCode`). */
export function httpStatus(err: unknown): number | undefined {
  const code = property(err, 'code');
  const statusCode = property(err, 'statusCode');
  if (typeof code === 'number' && code >= 100 && code < 600) return code;
  if (typeof statusCode === 'number') return statusCode;
  return undefined;
}

/** A property of a thrown value, which may be anything. */
function property(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? Reflect.get(value, key) : undefined;
}

function isNetworkError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; typeof e === 'object' && e !== null && depth < 5; depth++) {
    const code = property(e, 'code');
    const name = property(e, 'name');
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
    if (name === 'TimeoutError' || name === 'AbortError') return true;
    if (name === 'TypeError' && property(e, 'message') === 'fetch failed') return true;
    e = property(e, 'cause');
  }
  return false;
}

/**
 * The API server's explanation. For statuses the generated client does not model
 * (409, 429, ...) the body is raw text, so parse it to read the Status message.
 */
export function statusMessage(err: unknown): string {
  if (typeof err !== 'object' || err === null) return String(err);
  const body = property(err, 'body');
  const msg = property(typeof body === 'string' ? tryParse(body) : body, 'message');
  if (typeof msg === 'string' && msg !== '') return msg;
  if (typeof body === 'string' && body !== '') return body.slice(0, 300);
  const own = property(err, 'message');
  return typeof own === 'string' ? (own.split('\n')[0] ?? own) : (JSON.stringify(err) ?? 'unknown error');
}

function tryParse(text: string): unknown {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed;
  } catch {
    return undefined;
  }
}
