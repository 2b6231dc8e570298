import type { AssumedKind, PassInput, PodInfo } from '../cluster/index.js';
import { node, pod } from '../core/testing.js';
import type { Plan, Pod } from '../core/index.js';
import { claim } from '../core/volumes/testing.js';
import { defaultConfig } from './config.js';
import { FakeApi } from './fake-api.js';
import { Feedback } from './feedback.js';
import { GangGuard } from './gang-guard.js';
import { silentLogger } from './log.js';
import { runPass, type PassDeps } from './pass.js';

function passInput(pods: Pod[], rejected: PassInput['rejected'] = []): PassInput {
  const infos = new Map<string, PodInfo>(
    pods.map((p) => [p.key, { ref: { namespace: p.namespace, name: p.name, uid: p.uid }, scheduled: undefined }]),
  );
  for (const r of rejected) infos.set(r.key, { ref: r.ref, scheduled: undefined });
  return { snapshot: { nodes: [node('n1')], pods, pdbs: [] }, pods: infos, rejected, volumeVersions: new Map() };
}

function deps(input: PassInput, plan: Plan, o: { dryRun?: boolean; synced?: boolean; current?: boolean } = {}) {
  const api = new FakeApi();
  const assumed: string[] = [];
  const d: PassDeps = {
    store: {
      snapshot: () => input,
      assume: (kind: AssumedKind, ref) => assumed.push(`${kind}:${ref.name}`),
      forget: () => undefined,
      assumeClaim: (claim) => assumed.push(`claim:${claim.key}`),
      forgetClaim: () => undefined,
      assumeVolume: (volume) => assumed.push(`volume:${volume}`),
      forgetVolume: () => undefined,
    },
    synced: () => o.synced ?? true,
    current: () => o.current ?? true,
    plan: () => plan,
    planConfig: defaultConfig(),
    api,
    feedback: new Feedback(api, silentLogger(), 4),
    gangGuard: new GangGuard(defaultConfig(), 60_000),
    log: silentLogger(),
    concurrency: 4,
    dryRun: o.dryRun ?? false,
  };
  return { d, api, assumed };
}

const empty: Plan = { bindings: [], evictions: [], nominations: [], unschedulable: [] };
const signal = new AbortController().signal;

describe('runPass', () => {
  it('does nothing until the listeners have synced', async () => {
    const { d, api } = deps(
      passInput([pod('a')]),
      { ...empty, bindings: [{ pod: 'default/a', node: 'n1' }] },
      { synced: false },
    );
    expect((await runPass(d, signal, 0)).skipped).toBe(true);
    expect(api.calls).toEqual([]);
  });

  it('plans nothing while the node or pod watch is down: its maps may be stale', async () => {
    let snapshots = 0;
    const { d, api } = deps(
      passInput([pod('a')]),
      { ...empty, bindings: [{ pod: 'default/a', node: 'n1' }] },
      { current: false },
    );
    const counted = { ...d, store: { ...d.store, snapshot: (now: number) => (snapshots++, d.store.snapshot(now)) } };
    expect((await runPass(counted, signal, 0)).skipped).toBe(true);
    // No snapshot either: that is where assumed writes expire, against maps the watch no longer feeds.
    expect([api.calls, snapshots]).toEqual([[], 0]);
  });

  it('writes nothing in dry-run mode', async () => {
    const { d, api } = deps(
      passInput([pod('a')]),
      { ...empty, bindings: [{ pod: 'default/a', node: 'n1' }] },
      { dryRun: true },
    );
    await runPass(d, signal, 0);
    expect(api.calls).toEqual([]);
  });

  it('reports a pod that could not be read as unschedulable, with the reason', async () => {
    const rejected = [
      {
        key: 'default/bad',
        ref: { namespace: 'default', name: 'bad', uid: 'u-bad' },
        error: 'spec.containers[0].resources.requests.cpu: invalid quantity "lots"',
      },
    ];
    const { d, api } = deps(passInput([], rejected), empty);
    await runPass(d, signal, 0);
    expect(api.calls.map((c) => c.op)).toEqual(['markUnschedulable', 'recordEvent']);
    expect(api.calls[0]!.detail).toContain('invalid quantity "lots"');
  });

  it('does not rewrite a nomination the pod already carries, and clears one no longer planned', async () => {
    const kept = pod('kept', { nominatedNodeName: 'n1' });
    const dropped = pod('dropped', { nominatedNodeName: 'n1' });
    const plan: Plan = {
      ...empty,
      nominations: [{ pod: 'default/kept', node: 'n1' }],
      unschedulable: [
        { pod: 'default/dropped', reason: 'Unschedulable', message: '0/1 nodes are available: 1 Insufficient cpu.' },
      ],
    };
    const { d, api } = deps(passInput([kept, dropped]), plan);
    await runPass(d, signal, 0);
    const nominations = api.calls.filter((c) => c.op === 'nominate');
    expect(nominations).toEqual([{ op: 'nominate', pod: 'default/dropped', detail: '' }]);
  });

  it('writes the volume choice of a pod already nominated to its node, and no nomination', async () => {
    const kept = pod('kept', { nominatedNodeName: 'n1' });
    const input = passInput([kept]);
    const withClaims: PassInput = { ...input, snapshot: { ...input.snapshot, claims: [claim('data')] } };
    const plan: Plan = {
      ...empty,
      nominations: [{ pod: 'default/kept', node: 'n1' }],
      volumeChoices: [{ pod: 'default/kept', node: 'n1', claims: [{ claim: 'default/data', volume: '' }] }],
    };
    const { d, api, assumed } = deps(withClaims, plan);
    const summary = await runPass(d, signal, 0);
    expect(api.calls.map((c) => `${c.op} ${c.pod}`)).toEqual(['annotateClaim default/data']);
    expect(assumed).toEqual(['claim:default/data']);
    expect(summary.report?.volumes.map((v) => v.result)).toEqual(['done']);
  });

  it('writes no volume choice or release in dry-run mode', async () => {
    const input = passInput([pod('a')]);
    const withClaims: PassInput = { ...input, snapshot: { ...input.snapshot, claims: [claim('data'), claim('old')] } };
    const plan: Plan = {
      ...empty,
      nominations: [{ pod: 'default/a', node: 'n1' }],
      volumeChoices: [{ pod: 'default/a', node: 'n1', claims: [{ claim: 'default/data', volume: '' }] }],
      volumeReleases: [{ claim: 'default/old', volume: '' }],
    };
    const { d, api } = deps(withClaims, plan, { dryRun: true });
    await runPass(d, signal, 0);
    expect(api.calls).toEqual([]);
  });
});
