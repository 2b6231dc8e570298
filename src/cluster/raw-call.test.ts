import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { classifyError } from './errors.js';
import { jsonWriter } from './raw-call.js';
import { microTime } from './api.js';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly contentType: string;
  readonly authorization: string;
  readonly body: unknown;
}

function kubeConfig(server: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server, skipTLSVerify: true }],
    users: [{ name: 'u', token: 'secret-token' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return kc;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

describe('jsonWriter', () => {
  let server: Server;
  let url: string;
  const seen: Seen[] = [];
  let answer: { status: number; body: string } = { status: 201, body: '{}' };

  beforeAll(async () => {
    server = createServer((req, res) => {
      void readBody(req).then((body) => {
        seen.push({
          method: req.method ?? '',
          url: req.url ?? '',
          contentType: req.headers['content-type'] ?? '',
          authorization: req.headers.authorization ?? '',
          body,
        });
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    url = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(() => {
    seen.length = 0;
  });

  it('sends the body as JSON with the credentials and content type', async () => {
    answer = { status: 201, body: '{"kind":"Status","status":"Success"}' };
    const write = jsonWriter(kubeConfig(url));
    await write('POST', '/api/v1/namespaces/team/pods/a/binding', { target: { name: 'n1' } });
    await write('PATCH', '/api/v1/namespaces/team/pods/a/status', { status: {} }, 'application/merge-patch+json');
    expect(seen).toEqual([
      {
        method: 'POST',
        url: '/api/v1/namespaces/team/pods/a/binding',
        contentType: 'application/json',
        authorization: 'Bearer secret-token',
        body: { target: { name: 'n1' } },
      },
      {
        method: 'PATCH',
        url: '/api/v1/namespaces/team/pods/a/status',
        contentType: 'application/merge-patch+json',
        authorization: 'Bearer secret-token',
        body: { status: {} },
      },
    ]);
  });

  it('rejects an error answer with its status and the Status message', async () => {
    answer = {
      status: 409,
      body: '{"kind":"Status","status":"Failure","message":"pod team/a is already assigned to node \\"n2\\"","code":409}',
    };
    const write = jsonWriter(kubeConfig(url));
    const error: unknown = await write('POST', '/api/v1/namespaces/team/pods/a/binding', {}).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(classifyError(error)).toEqual({
      kind: 'conflict',
      status: 409,
      message: 'pod team/a is already assigned to node "n2"',
    });
  });

  it('a server that is not there is a transient failure', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const write = jsonWriter(kubeConfig(`http://127.0.0.1:${port}`));
    const error: unknown = await write('POST', '/x', {}).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(classifyError(error).kind).toBe('transient');
  });

  it('writes event times with six digits of fraction', () => {
    expect(microTime(new Date(Date.UTC(2026, 10, 23, 9, 5, 7, 42)))).toBe('2026-11-23T09:05:07.042000Z');
  });
});
