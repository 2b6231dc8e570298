// The scheduler's writes sent as plain JSON over the kubeconfig's pooled connections. The
// generated client turned each bind into typed models, a serializer pass, an observable
// chain and a middleware stack: on 5,000 binds that was more CPU than the requests
// themselves, taken from the API server sharing the machine.
import { HttpMethod, RequestContext, type KubeConfig } from '@kubernetes/client-node';
import { request } from 'undici';

/** An answer other than 2xx: `code` and `body` as classifyError reads them. */
export class ApiCallError extends Error {
  constructor(
    message: string,
    readonly code: number,
    readonly body: string,
  ) {
    super(message);
    this.name = 'ApiCallError';
  }
}

export type WriteMethod = 'POST' | 'PATCH';

/** Sends one JSON write; resolves when the API server accepted it, rejects with ApiCallError or a network error. */
export type JsonWrite = (method: WriteMethod, path: string, body: unknown, contentType?: string) => Promise<void>;

/** What a request to `path` needs: its URL, the kubeconfig's credentials, and the pooled connections. */
export interface Prepared {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly dispatcher: Dispatcher | undefined;
}

type Dispatcher = NonNullable<ReturnType<RequestContext['getDispatcher']>>;

const HTTP_METHOD: Record<WriteMethod | 'GET', HttpMethod> = {
  GET: HttpMethod.GET,
  POST: HttpMethod.POST,
  PATCH: HttpMethod.PATCH,
};

export async function prepare(kc: KubeConfig, method: WriteMethod | 'GET', path: string): Promise<Prepared> {
  const server = kc.getCurrentCluster()?.server;
  if (server === undefined) throw new Error('no current cluster in the kubeconfig');
  const url = server + path;
  const context = new RequestContext(url, HTTP_METHOD[method]);
  await kc.applySecurityAuthentication(context);
  return { url, headers: { ...context.getHeaders(), accept: 'application/json' }, dispatcher: context.getDispatcher() };
}

export function jsonWriter(kc: KubeConfig): JsonWrite {
  return async (method, path, body, contentType = 'application/json') => {
    const { url, headers, dispatcher } = await prepare(kc, method, path);
    const response = await request(url, {
      method,
      headers: { ...headers, 'content-type': contentType },
      body: JSON.stringify(body),
      ...(dispatcher === undefined ? {} : { dispatcher }),
    });
    if (response.statusCode >= 200 && response.statusCode < 300) {
      await response.body.dump();
      return;
    }
    const text = await response.body.text();
    throw new ApiCallError(`${method} ${path}: ${response.statusCode}`, response.statusCode, text);
  };
}

/** A GET's answer, whatever its status; rejects only when no answer came (a network error). */
export type JsonRead = (path: string) => Promise<{ readonly status: number; readonly body: string }>;

/** A POST whose answer is read, whatever its status (a review); rejects only when no answer came. */
export type JsonAsk = (path: string, body: unknown) => Promise<{ readonly status: number; readonly body: string }>;

/** One request whose answer is read whatever its status. */
async function exchange(
  kc: KubeConfig,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<{ readonly status: number; readonly body: string }> {
  const { url, headers, dispatcher } = await prepare(kc, method, path);
  const response = await request(url, {
    method,
    headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    ...(dispatcher === undefined ? {} : { dispatcher }),
  });
  return { status: response.statusCode, body: await response.body.text() };
}

export function jsonReader(kc: KubeConfig): JsonRead {
  return (path) => exchange(kc, 'GET', path);
}

export function jsonAsker(kc: KubeConfig): JsonAsk {
  return (path, body) => exchange(kc, 'POST', path, body);
}
