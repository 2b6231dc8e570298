// Where the scheduler finds the API server: the in-cluster service account, $KUBECONFIG,
// or ~/.kube/config, as kubectl looks. And one pool of connections to it.
import { createHash } from 'node:crypto';
import type https from 'node:https';
import { KubeConfig, type RequestContext } from '@kubernetes/client-node';
import { Agent } from 'undici';

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
  private known: (TlsSettings & { readonly at: number }) | undefined;

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
    const { key, options } = await this.tlsSettings();
    const pooled = this.pool;
    if (pooled !== undefined && pooled.key === key) {
      void fresh.close(); // never connected: nothing to wait for
      context.setDispatcher(pooled.dispatcher);
      return;
    }
    const dispatcher = this.poolDispatcher(options) ?? fresh;
    if (dispatcher !== fresh) void fresh.close();
    context.setDispatcher(dispatcher);
    this.pool = { key, dispatcher };
    if (pooled !== undefined) void pooled.dispatcher.close(); // lets calls in flight finish
  }

  /**
   * The pool for a direct connection: HTTP/1.1 connections, one per call in flight. undici 8
   * speaks HTTP/2 when the server offers it, and then every call shares one connection: in
   * the race's 5,000-pod case that bound 217 pods/s (88% of the floor binder) against 350/s
   * (137%) over HTTP/1.1 (bench/race/http1-basic.json). A proxy keeps the library's own
   * dispatcher.
   */
  private poolDispatcher(options: https.RequestOptions): Dispatcher | undefined {
    if (this.getCurrentCluster()?.proxyUrl !== undefined) return undefined;
    const tls = {
      ...(options.ca === undefined ? {} : { ca: options.ca }),
      ...(options.cert === undefined ? {} : { cert: options.cert }),
      ...(options.key === undefined ? {} : { key: options.key }),
      ...(options.pfx === undefined ? {} : { pfx: options.pfx }),
      ...(options.passphrase === undefined ? {} : { passphrase: options.passphrase }),
      ...(options.rejectUnauthorized === undefined ? {} : { rejectUnauthorized: options.rejectUnauthorized }),
      ...(options.servername === undefined ? {} : { servername: options.servername }),
    };
    // Keep-alive probes after 30 s, as the library and client-go do.
    return new Agent({ connect: { ...tls, keepAlive: true, keepAliveInitialDelay: 30_000 }, allowH2: false });
  }

  /** What the connections depend on, looked at again every few seconds (a rotated certificate is seen within them). */
  private async tlsSettings(): Promise<TlsSettings> {
    const at = performance.now();
    if (this.known !== undefined && at - this.known.at < TLS_RECHECK_MS) return this.known;
    const options: https.RequestOptions = {};
    await this.applyToHTTPSOptions(options);
    this.known = { key: tlsKey(this.getCurrentCluster()?.server ?? '', options), options, at };
    return this.known;
  }
}

interface TlsSettings {
  readonly key: string;
  readonly options: https.RequestOptions;
}

/** A hash of the server, CA, client certificate and key, and verification. */
function tlsKey(server: string, options: https.RequestOptions): string {
  const hash = createHash('sha256');
  hash.update(server);
  for (const part of [options.ca, options.cert, options.key, options.pfx, options.servername])
    hash.update(`|${partText(part)}`);
  hash.update(`|${String(options.rejectUnauthorized)}`);
  return hash.digest('hex');
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
