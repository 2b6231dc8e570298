// /healthz (the loop is alive: a pass ended recently) and /readyz (the listeners have
// synced). Metrics (/metrics) belong to the observability work and are not served yet.
import { createServer, type Server } from 'node:http';

export interface Probes {
  readonly alive: () => boolean;
  readonly ready: () => boolean;
}

export async function startHttp(port: number, probes: Probes): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const answer = (ok: boolean): void => {
      res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' });
      res.end(ok ? 'ok\n' : 'not ok\n');
    };
    if (path === '/healthz' || path === '/livez') answer(probes.alive());
    else if (path === '/readyz') answer(probes.ready());
    else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve());
  });
  return server;
}
