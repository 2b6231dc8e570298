// Where the scheduler finds the API server: the in-cluster service account, $KUBECONFIG,
// or ~/.kube/config, as kubectl looks. And one pool of connections to it.
import { createHash } from 'node:crypto';
import type https from 'node:https';
import { KubeConfig, type RequestContext } from '@kubernetes/client-node';

export type { KubeConfig } from '@kubernetes/client-node';

const TLS_RECHECK_MS = 10_000;

type Dispatcher = NonNullable<ReturnType<RequestContext['getDispatcher']>>;

/**
 * The client library gives every API call a dispatcher of its own, so each call opens a new
 * TLS connection: a handshake per bind on both ends, and sockets left to time out. This one
 * hands every call the same dispatcher (kept-alive connections) for as long as the TLS
 * settings stay the same; a rotated client certificate gets a new one.
 */
export class PooledKubeConfig extends KubeConfig {
  private pool: { readonly key: string; readonly dispatcher: Dispatcher } | undefined;
  /** The TLS settings' hash and when it was taken: reading and hashing them on every call was a tenth of a bind's CPU. */
  private known: { readonly key: string; readonly at: number } | undefined;

  static from(kc: KubeConfig): PooledKubeConfig {
    if (kc instanceof PooledKubeConfig) return kc;
    const pooled = new PooledKubeConfig();
    pooled.loadFromOptions({
      clusters: kc.getClusters(),
      users: kc.getUsers(),
      contexts: kc.getContexts(),
      currentContext: kc.getCurrentContext(),
    });
    return pooled;
  }

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    const fresh = context.getDispatcher();
    if (fresh === undefined) return;
    const key = await this.tlsKey();
    const pooled = this.pool;
    if (pooled !== undefined && pooled.key === key) {
      void fresh.close(); // never connected: nothing to wait for
      context.setDispatcher(pooled.dispatcher);
      return;
    }
    this.pool = { key, dispatcher: fresh };
    if (pooled !== undefined) void pooled.dispatcher.close(); // lets calls in flight finish
  }

  /** What the connections depend on, looked at again every few seconds (a rotated certificate is seen within them). */
  private async tlsKey(): Promise<string> {
    const at = performance.now();
    if (this.known !== undefined && at - this.known.at < TLS_RECHECK_MS) return this.known.key;
    const key = await this.readTlsKey();
    this.known = { key, at };
    return key;
  }

  /** Server, CA, client certificate and key, verification. */
  private async readTlsKey(): Promise<string> {
    const options: https.RequestOptions = {};
    await this.applyToHTTPSOptions(options);
    const hash = createHash('sha256');
    hash.update(this.getCurrentCluster()?.server ?? '');
    for (const part of [options.ca, options.cert, options.key, options.pfx, options.servername])
      hash.update(`|${partText(part)}`);
    hash.update(`|${String(options.rejectUnauthorized)}`);
    return hash.digest('hex');
  }
}

function partText(part: unknown): string {
  if (part === undefined || part === null) return '';
  if (typeof part === 'string') return part;
  if (Buffer.isBuffer(part)) return part.toString('base64');
  if (Array.isArray(part)) return part.map(partText).join(',');
  return JSON.stringify(part);
}

export function defaultKubeConfig(): KubeConfig {
  const kc = new PooledKubeConfig();
  kc.loadFromDefault();
  return kc;
}
