// Whether the cluster serves an API resource, as discovery tells: a group/version the API
// server does not know answers 404 (a CRD not installed, a beta group not enabled).
import type { JsonRead } from './raw-call.js';

export interface ApiResource {
  readonly group: string;
  readonly version: string;
  /** Plural, as in the URL: podgroups. */
  readonly resource: string;
}

export type Serving =
  | { readonly served: true }
  /** definite: discovery answered that the API is not there; else the question failed. */
  | { readonly served: false; readonly reason: string; readonly definite: boolean };

export function apiName(api: ApiResource): string {
  return `${api.resource}.${api.group}/${api.version}`;
}

/** Asks /apis/<group>/<version>; never throws (a failed check is "not served" with the reason). */
export async function checkServed(read: JsonRead, api: ApiResource): Promise<Serving> {
  const name = apiName(api);
  let answer: { readonly status: number; readonly body: string };
  try {
    answer = await read(`/apis/${api.group}/${api.version}`);
  } catch (err) {
    return { served: false, reason: `could not ask whether ${name} is served: ${errorText(err)}`, definite: false };
  }
  if (answer.status === 404) return { served: false, reason: `${name} is not served by this cluster`, definite: true };
  if (answer.status !== 200)
    return { served: false, reason: `could not ask whether ${name} is served: HTTP ${answer.status}`, definite: false };
  return listsResource(answer.body, api.resource)
    ? { served: true }
    : { served: false, reason: `${name} is not served by this cluster`, definite: true };
}

function listsResource(body: string, resource: string): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return false;
  }
  if (typeof parsed !== 'object' || parsed === null) return false;
  const resources: unknown = Reflect.get(parsed, 'resources');
  return (
    Array.isArray(resources) &&
    resources.some((r: unknown) => typeof r === 'object' && r !== null && Reflect.get(r, 'name') === resource)
  );
}

function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause: unknown = err.cause;
  return cause instanceof Error ? `${err.message} (${cause.message})` : err.message;
}
