// /healthz (the loop is alive: a pass ended recently), /readyz (the listeners have
// synced) and /metrics (Prometheus text). Listens on the configured address only. In a
// cluster it speaks HTTPS and /metrics asks a guard (delegated authentication and
// authorization); the probes stay open, as kube-scheduler's do.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createSecureServer } from 'node:https';
import type { Server } from 'node:net';
import type { Verdict } from './delegated-auth.js';

export interface Probes {
  readonly alive: () => boolean;
  readonly ready: () => boolean;
}

export interface MetricsSource {
  readonly contentType: string;
  render(): Promise<string>;
}

export interface HttpOptions {
  readonly port: number;
  readonly address: string;
  readonly probes: Probes;
  readonly metrics?: MetricsSource;
  /** Serve HTTPS with this certificate and key (PEM). */
  readonly tls?: { readonly cert: string; readonly key: string };
  /** Who may read /metrics; without one anybody who reaches the address may. */
  readonly guard?: MetricsGuard;
}

/** The verdict on a request for `path` with this Authorization header; `verb` as RBAC names it. */
export type MetricsGuard = (
  authorization: string | undefined,
  request: { path: string; verb: string },
) => Promise<Verdict>;

export async function startHttp(options: HttpOptions): Promise<Server> {
  const { probes, metrics, guard } = options;
  const serveMetrics = (source: MetricsSource, res: ServerResponse): void => {
    source.render().then(
      (text) => {
        res.writeHead(200, { 'content-type': source.contentType });
        res.end(text);
      },
      (err: unknown) => plain(res, 500, `metrics failed: ${err instanceof Error ? err.message : String(err)}`),
    );
  };
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path === '/healthz' || path === '/livez') answer(res, probes.alive());
    else if (path === '/readyz') answer(res, probes.ready());
    else if (path === '/metrics' && metrics !== undefined) {
      if (guard === undefined) {
        serveMetrics(metrics, res);
        return;
      }
      // HEAD and GET are both "get" to RBAC, as for the API server's own non-resource paths.
      const verb = req.method === 'GET' || req.method === 'HEAD' ? 'get' : (req.method ?? '').toLowerCase();
      guard(req.headers.authorization, { path, verb }).then(
        (verdict) =>
          verdict.status === 200 ? serveMetrics(metrics, res) : plain(res, verdict.status, verdict.message),
        (err: unknown) => plain(res, 500, `authorization failed: ${err instanceof Error ? err.message : String(err)}`),
      );
    } else plain(res, 404, 'not found');
  };
  const server = options.tls === undefined ? createServer(handle) : createSecureServer(options.tls, handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.address, () => resolve());
  });
  return server;
}

function answer(res: ServerResponse, ok: boolean): void {
  res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' });
  res.end(ok ? 'ok\n' : 'not ok\n');
}

function plain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain' });
  res.end(`${text}\n`);
}
