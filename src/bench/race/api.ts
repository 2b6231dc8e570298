// The race's own API client: plain JSON over one keep-alive HTTPS agent. It sends exactly the
// objects it is given (PodGroups of a beta API included) and spends no time on the typed
// client's serializer, so the race's own load on this machine stays small.
import https from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';

export interface ApiResponse {
  readonly status: number;
  readonly body: unknown;
}

export class RaceApi {
  private constructor(
    private readonly base: URL,
    private readonly tls: https.RequestOptions,
    private readonly agent: https.Agent,
  ) {}

  /** Refuses any API server that is not on this machine's loopback. */
  static async fromKubeconfig(path: string, maxSockets = 64): Promise<RaceApi> {
    const kc = new KubeConfig();
    kc.loadFromFile(path);
    const server = kc.getCurrentCluster()?.server;
    if (server === undefined) throw new Error(`${path}: no current cluster`);
    const base = new URL(server);
    if (base.hostname !== '127.0.0.1' && base.hostname !== 'localhost')
      throw new Error(`refusing to race against ${base.hostname}: loopback only`);
    const tls: https.RequestOptions = {};
    await kc.applyToHTTPSOptions(tls);
    return new RaceApi(base, tls, new https.Agent({ keepAlive: true, maxSockets }));
  }

  /** One request; 429 and 5xx are retried with backoff (the race loads the server on purpose). */
  async call(method: string, path: string, body?: unknown): Promise<ApiResponse> {
    for (let attempt = 1; ; attempt++) {
      const response = await this.once(method, path, body).catch((err: unknown) => {
        if (attempt >= 8) throw err;
        return { status: 0, body: err instanceof Error ? err.message : String(err) };
      });
      const transient = response.status === 0 || response.status === 429 || response.status >= 500;
      if (!transient || attempt >= 8) return response;
      await new Promise((r) => setTimeout(r, Math.min(5_000, 100 * 2 ** attempt)));
    }
  }

  /** Like call, but anything but 2xx is an error naming the request. */
  async ok(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await this.call(method, path, body);
    if (response.status < 200 || response.status >= 300)
      throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(response.body).slice(0, 300)}`);
    return response.body;
  }

  /** Raw text of a GET (the API server's /metrics). */
  async text(path: string): Promise<string> {
    const { status, text } = await this.send('GET', path, undefined, 'text/plain');
    if (status !== 200) throw new Error(`GET ${path}: ${status}`);
    return text;
  }

  /**
   * Streams a watch: calls onEvent per event until the signal aborts or the server ends the
   * stream (resolves then; the caller decides whether to watch again).
   */
  watch(path: string, onEvent: (type: string, object: unknown) => void, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const request = https.request(this.options('GET', path, 'application/json'), (response) => {
        if (response.statusCode !== 200) {
          reject(new Error(`watch ${path}: ${response.statusCode ?? 0}`));
          response.resume();
          return;
        }
        let buffered = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          buffered += chunk;
          let newline = buffered.indexOf('\n');
          while (newline >= 0) {
            const line = buffered.slice(0, newline);
            buffered = buffered.slice(newline + 1);
            if (line.trim() !== '') {
              const event: unknown = JSON.parse(line);
              if (isRecord(event) && typeof event['type'] === 'string') onEvent(event['type'], event['object']);
            }
            newline = buffered.indexOf('\n');
          }
        });
        response.on('end', () => resolve());
        response.on('error', () => resolve());
      });
      const abort = (): void => {
        request.destroy();
        resolve();
      };
      signal.addEventListener('abort', abort, { once: true });
      request.on('error', (err) => (signal.aborted ? resolve() : reject(err)));
      request.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }

  private async once(method: string, path: string, body: unknown): Promise<ApiResponse> {
    const { status, text } = await this.send(method, path, body, 'application/json');
    let parsed: unknown = text;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      // not JSON (an error page): keep the text
    }
    return { status, body: parsed };
  }

  private send(
    method: string,
    path: string,
    body: unknown,
    accept: string,
  ): Promise<{ readonly status: number; readonly text: string }> {
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const options = this.options(method, path, accept);
      const contentType = method === 'PATCH' ? 'application/merge-patch+json' : 'application/json';
      options.headers = {
        ...options.headers,
        ...(payload === undefined ? {} : { 'content-type': contentType, 'content-length': Buffer.byteLength(payload) }),
      };
      const request = https.request(options, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        response.on('error', reject);
      });
      request.on('error', reject);
      if (payload !== undefined) request.write(payload);
      request.end();
    });
  }

  private options(method: string, path: string, accept: string): https.RequestOptions {
    return {
      ...this.tls,
      agent: this.agent,
      method,
      hostname: this.base.hostname,
      port: this.base.port,
      path,
      headers: { ...this.tls.headers, accept },
    };
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Runs fn over items with at most `limit` in flight. */
export async function eachLimit<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++];
      if (item !== undefined) await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
