import * as k8s from '@kubernetes/client-node';
import { waitFor } from './wait.js';

/** Label on every namespace the integration tests create. */
export const TEST_NAMESPACE_LABEL = 'custom-scheduler.test/owner';

/**
 * Creates a namespace named `<prefix>-<random>` and waits until its default service account
 * exists (pods cannot be created before that). Returns the namespace name.
 */
export async function createTestNamespace(kc: k8s.KubeConfig, prefix: string): Promise<string> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const created = await core.createNamespace({
    body: { metadata: { generateName: `${prefix}-`, labels: { [TEST_NAMESPACE_LABEL]: 'integration' } } },
  });
  const name = created.metadata?.name;
  if (name === undefined) throw new Error('the API server returned a namespace without a name');
  await waitFor(() => core.readNamespacedServiceAccount({ name: 'default', namespace: name }), {
    timeoutMs: 30_000,
    what: `the default service account of namespace ${name}`,
  });
  return name;
}

/** Deletes a namespace made by createTestNamespace; a namespace already gone is fine. */
export async function deleteTestNamespace(kc: k8s.KubeConfig, name: string): Promise<void> {
  try {
    await kc.makeApiClient(k8s.CoreV1Api).deleteNamespace({ name });
  } catch (error) {
    if (apiErrorCode(error) !== 404) throw error;
  }
}

/** The HTTP status of a failed client call (ApiException.code), or undefined. */
export function apiErrorCode(error: unknown): number | undefined {
  return error instanceof k8s.ApiException ? error.code : undefined;
}

export interface ApiFailure {
  code: number;
  /** The Status the API server answered with; `.body` is raw text for codes the spec does not list. */
  status: k8s.V1Status;
}

/** Awaits a call that must fail with an API error and returns its code and Status. */
export async function expectApiFailure(call: Promise<unknown>): Promise<ApiFailure> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof k8s.ApiException)) throw error;
    const body: unknown = error.body;
    const status = (typeof body === 'string' ? parseJson(body) : body) as k8s.V1Status;
    return { code: error.code, status };
  }
  throw new Error('expected the API call to fail, but it succeeded');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { message: text };
  }
}
