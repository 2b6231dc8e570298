// /healthz (the loop is alive: a pass ended recently), /readyz (the listeners have
// synced) and /metrics (Prometheus text). Listens on the configured address only.
import { createServer, type Server } from 'node:http';

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
}

export async function startHttp(options: HttpOptions): Promise<Server> {
  const { probes, metrics } = options;
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const answer = (ok: boolean): void => {
      res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' });
      res.end(ok ? 'ok\n' : 'not ok\n');
    };
    if (path === '/healthz' || path === '/livez') answer(probes.alive());
    else if (path === '/readyz') answer(probes.ready());
    else if (path === '/metrics' && metrics !== undefined) {
      metrics.render().then(
        (text) => {
          res.writeHead(200, { 'content-type': metrics.contentType });
          res.end(text);
        },
        (err: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(`metrics failed: ${err instanceof Error ? err.message : String(err)}\n`);
        },
      );
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.address, () => resolve());
  });
  return server;
}
