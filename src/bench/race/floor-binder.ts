// The floor of the race: a binder that makes no decisions. It lists the pending pods of one
// namespace and the race's nodes once, then binds the pods round-robin with a fixed number of
// calls in flight, writing one Scheduled event per bind as a scheduler does. What it reaches is
// what this API server takes; a scheduler can only come close to it.
//   node dist/bench/race/floor-binder.js --namespace NS --concurrency 16 --port PORT   ($KUBECONFIG)
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { eachLimit, isRecord, RaceApi } from './api.js';
import { RACE_LABEL } from './objects.js';

function flag(name: string): string {
  const i = process.argv.indexOf(`--${name}`);
  const value = i > 0 ? process.argv[i + 1] : undefined;
  if (value === undefined) throw new Error(`--${name} is required`);
  return value;
}

function names(list: unknown, what: string): string[] {
  if (!isRecord(list) || !Array.isArray(list['items'])) throw new Error(`${what}: a list without items`);
  return list['items'].flatMap((item) => {
    const metadata = isRecord(item) && isRecord(item['metadata']) ? item['metadata'] : {};
    return typeof metadata['name'] === 'string' ? [metadata['name']] : [];
  });
}

async function main(): Promise<void> {
  const namespace = flag('namespace');
  const concurrency = Number(flag('concurrency'));
  const port = Number(flag('port'));
  let ready = false;
  const server = http.createServer((req, res) => {
    res.statusCode = req.url === '/readyz' && ready ? 200 : 503;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  process.on('SIGTERM', () => {
    server.close();
    process.exit(0);
  });

  const api = await RaceApi.fromKubeconfig(process.env['KUBECONFIG'] ?? '', Math.max(concurrency, 8));
  const selector = encodeURIComponent(`${RACE_LABEL}=true`);
  const nodes = names(await api.ok('GET', `/api/v1/nodes?labelSelector=${selector}`), 'nodes');
  const pods = names(
    await api.ok('GET', `/api/v1/namespaces/${namespace}/pods?fieldSelector=${encodeURIComponent('spec.nodeName=')}`),
    'pods',
  );
  if (nodes.length === 0) throw new Error('no race nodes');
  ready = true;
  const instance = hostname();
  const assignments = pods.map((pod, i) => ({ pod, node: nodes[i % nodes.length] ?? '' }));
  await eachLimit(assignments, concurrency, async ({ pod, node }) => {
    await api.ok('POST', `/api/v1/namespaces/${namespace}/pods/${pod}/binding`, {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name: pod, namespace },
      target: { apiVersion: 'v1', kind: 'Node', name: node },
    });
    const at = new Date();
    await api.ok('POST', `/apis/events.k8s.io/v1/namespaces/${namespace}/events`, {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: `${pod}.${at.getTime().toString(16)}${randomBytes(3).toString('hex')}`, namespace },
      eventTime: at.toISOString().replace('Z', '000Z'),
      reportingController: 'race/floor-binder',
      reportingInstance: instance,
      action: 'Binding',
      reason: 'Scheduled',
      type: 'Normal',
      note: `Successfully assigned ${namespace}/${pod} to ${node}`,
      regarding: { apiVersion: 'v1', kind: 'Pod', namespace, name: pod },
    });
  });
  process.stdout.write(`bound ${assignments.length} pods\n`);
  // Stays up until the race stops it, like a scheduler.
}

main().catch((err: unknown) => {
  process.stderr.write(`floor-binder: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
