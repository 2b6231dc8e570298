// Delegated authentication and authorization, as kube-scheduler does it for its /metrics:
// the API server says who holds a bearer token (TokenReview) and whether that user may
// make a request (SubjectAccessReview, non-resource attributes: path and verb).
import { routePath, WRITE_ROUTES } from './api.js';
import type { JsonAsk } from './raw-call.js';

export interface UserInfo {
  readonly username: string;
  readonly uid: string;
  readonly groups: readonly string[];
  readonly extra: Readonly<Record<string, readonly string[]>>;
}

export type TokenVerdict =
  | { readonly authenticated: true; readonly user: UserInfo }
  | { readonly authenticated: false; readonly reason: string };

export interface AccessVerdict {
  readonly allowed: boolean;
  readonly reason: string;
}

/** A request to the scheduler's own server, in SubjectAccessReview's non-resource terms. */
export interface NonResourceRequest {
  readonly path: string;
  readonly verb: string;
}

/** Each rejects when the API server gives no verdict (unreachable, forbidden, not served). */
export interface AccessReviews {
  reviewToken(token: string): Promise<TokenVerdict>;
  reviewAccess(user: UserInfo, request: NonResourceRequest): Promise<AccessVerdict>;
}

export function kubeAccessReviews(ask: JsonAsk): AccessReviews {
  const post = async (route: keyof typeof WRITE_ROUTES, body: unknown): Promise<Record<string, unknown>> => {
    const path = routePath(WRITE_ROUTES[route], {});
    const answer = await ask(path, body);
    if (answer.status !== 200 && answer.status !== 201) {
      throw new Error(`POST ${path}: HTTP ${answer.status}${statusMessage(answer.body)}`);
    }
    const status = field(parseObject(answer.body), 'status');
    if (status === undefined) throw new Error(`POST ${path}: the answer has no status`);
    return status;
  };
  return {
    reviewToken: async (token) => {
      const status = await post('tokenReview', {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenReview',
        spec: { token },
      });
      const user = field(status, 'user');
      if (status['authenticated'] !== true || user === undefined) {
        const error = status['error'];
        return { authenticated: false, reason: typeof error === 'string' && error !== '' ? error : 'invalid token' };
      }
      return { authenticated: true, user: toUser(user) };
    },
    reviewAccess: async (user, request) => {
      const status = await post('accessReview', {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        spec: {
          user: user.username,
          uid: user.uid,
          groups: user.groups,
          extra: user.extra,
          nonResourceAttributes: { path: request.path, verb: request.verb },
        },
      });
      const reason = [status['reason'], status['evaluationError']].filter(
        (r): r is string => typeof r === 'string' && r !== '',
      );
      return { allowed: status['allowed'] === true && status['denied'] !== true, reason: reason.join('; ') };
    },
  };
}

function toUser(user: Record<string, unknown>): UserInfo {
  const extra: Record<string, readonly string[]> = {};
  for (const [key, values] of Object.entries(field(user, 'extra') ?? {})) extra[key] = strings(values);
  const username = user['username'];
  const uid = user['uid'];
  return {
    username: typeof username === 'string' ? username : '',
    uid: typeof uid === 'string' ? uid : '',
    groups: strings(user['groups']),
    extra,
  };
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function parseObject(text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return {};
  }
  return isRecord(parsed) ? parsed : {};
}

function field(object: Record<string, unknown>, name: string): Record<string, unknown> | undefined {
  const value = object[name];
  return isRecord(value) ? value : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** ": <message>" of a Status answer, when it has one. */
function statusMessage(body: string): string {
  const message = parseObject(body)['message'];
  return typeof message === 'string' && message !== '' ? `: ${message}` : '';
}
