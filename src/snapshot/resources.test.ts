import { convertPod } from './pod.js';
import { container, kubePod } from './test-helpers.js';

const MI = 1024 ** 2;
const GI = 1024 ** 3;

function requestsOf(spec: Record<string, unknown>) {
  const result = convertPod(kubePod('p', spec));
  if (!result.ok) throw new Error(result.error);
  return result.value.requests;
}

describe('effective pod requests', () => {
  it('sums the app containers', () => {
    const r = requestsOf({
      containers: [
        container('a', { requests: { cpu: '100m', memory: '64Mi' } }),
        container('b', { requests: { cpu: '0.2', memory: '1Gi', 'ephemeral-storage': '1G' } }),
      ],
    });
    expect(r).toEqual({ cpu: 300, memory: 64 * MI + GI, ephemeralStorage: 1e9, scalar: new Map() });
  });

  it('sums exactly before rounding up (two 0.5m make 1m)', () => {
    const r = requestsOf({
      containers: [container('a', { requests: { cpu: '500u' } }), container('b', { requests: { cpu: '500u' } })],
    });
    expect(r.cpu).toBe(1);
    expect(requestsOf({ containers: [container('a', { requests: { cpu: '1n', memory: '0.5' } })] })).toMatchObject({
      cpu: 1,
      memory: 1,
    });
  });

  it('takes the largest regular init container when it exceeds the app containers', () => {
    const r = requestsOf({
      initContainers: [container('init', { requests: { cpu: '2', memory: '32Mi' } })],
      containers: [container('a', { requests: { cpu: '500m', memory: '64Mi' } })],
    });
    expect(r).toMatchObject({ cpu: 2000, memory: 64 * MI });
  });

  it('adds sidecars to the app containers and to the init containers started after them', () => {
    const sidecarFirst = requestsOf({
      initContainers: [
        container('proxy', { requests: { cpu: '100m' }, restartPolicy: 'Always' }),
        container('migrate', { requests: { cpu: '1' } }),
      ],
      containers: [container('a', { requests: { cpu: '500m' } })],
    });
    expect(sidecarFirst.cpu).toBe(1100); // max(500 + 100, 1000 + 100)

    const sidecarLast = requestsOf({
      initContainers: [
        container('migrate', { requests: { cpu: '1' } }),
        container('proxy', { requests: { cpu: '500m' }, restartPolicy: 'Always' }),
      ],
      containers: [container('a', { requests: { cpu: '700m' } })],
    });
    expect(sidecarLast.cpu).toBe(1200); // max(700 + 500, 1000)
  });

  it('adds spec.overhead', () => {
    const r = requestsOf({
      containers: [container('a', { requests: { cpu: '1', memory: '1Gi' } })],
      overhead: { cpu: '250m', memory: '120Mi' },
    });
    expect(r).toMatchObject({ cpu: 1250, memory: GI + 120 * MI });
  });

  it('lets pod-level requests replace cpu, memory and hugepages only, then adds overhead', () => {
    const r = requestsOf({
      containers: [
        container('a', { requests: { cpu: '1', memory: '1Gi', 'nvidia.com/gpu': '1', 'hugepages-2Mi': '4Mi' } }),
      ],
      resources: { requests: { cpu: '4', 'hugepages-2Mi': '8Mi', 'nvidia.com/gpu': '3' } },
      overhead: { cpu: '100m' },
    });
    expect(r).toEqual({
      cpu: 4100,
      memory: GI,
      ephemeralStorage: 0,
      scalar: new Map([
        ['hugepages-2Mi', 8 * MI],
        ['nvidia.com/gpu', 1],
      ]),
    });
  });

  it('uses a limit where the request is missing', () => {
    const r = requestsOf({
      containers: [container('a', { requests: { memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } })],
    });
    expect(r).toMatchObject({ cpu: 1000, memory: 512 * MI });
    const podLevel = requestsOf({ containers: [container('a')], resources: { limits: { cpu: '2' } } });
    expect(podLevel.cpu).toBe(2000);
  });

  it('puts extended resources and hugepages in scalar and skips pods', () => {
    const r = requestsOf({
      containers: [
        container('a', {
          requests: { 'nvidia.com/gpu': '2', 'hugepages-1Gi': '2Gi', pods: '1', 'example.com/zero': '0' },
        }),
      ],
    });
    expect(r.scalar).toEqual(
      new Map([
        ['hugepages-1Gi', 2 * GI],
        ['nvidia.com/gpu', 2],
      ]),
    );
  });

  it('clamps huge requests to the largest safe integer', () => {
    const r = requestsOf({
      containers: [
        container('a', { requests: { cpu: '1e300', memory: '8Ei' } }),
        container('b', { requests: { memory: '8Ei' } }),
      ],
    });
    expect(r).toMatchObject({ cpu: Number.MAX_SAFE_INTEGER, memory: Number.MAX_SAFE_INTEGER });
  });

  it('names the pod, the field and the text of a bad quantity', () => {
    const pod = kubePod('train-0', {
      containers: [container('a', { requests: { cpu: '1' } }), container('b', { requests: { cpu: '2x' } })],
    });
    expect(convertPod(pod)).toEqual({
      ok: false,
      error: 'pod team-a/train-0: spec.containers[1].resources.requests.cpu: invalid quantity "2x"',
    });
  });

  it('rejects negative amounts and non-string quantities', () => {
    const negative = kubePod('n', { overhead: { memory: '-1Gi' } });
    expect(convertPod(negative)).toEqual({
      ok: false,
      error: 'pod team-a/n: spec.overhead.memory: negative quantity "-1Gi"',
    });
    const odd = kubePod('o', { initContainers: [{ name: 'i', resources: { limits: { cpu: true } } }] });
    expect(convertPod(odd)).toEqual({
      ok: false,
      error: 'pod team-a/o: spec.initContainers[0].resources.limits.cpu: invalid quantity true',
    });
  });

  it('accepts JSON numbers as quantities', () => {
    expect(
      requestsOf({ containers: [{ name: 'a', resources: { requests: { cpu: 1.5, memory: 1024 } } }] }),
    ).toMatchObject({ cpu: 1500, memory: 1024 });
  });
});
