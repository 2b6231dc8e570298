// Wiring: listeners -> store -> loop (plan, execute, record). startScheduler is the
// programmatic start used by `run` and by the integration tests. With leaderElection the
// listeners and the HTTP server start at once (a standby is warm, ready and alive), but
// the loop runs only while this replica holds the Lease; a replica that loses it stops
// planning at once, abandons its calls, and reports it through `leaseLost` (`run` exits 1).
import type { AddressInfo, Server } from 'node:net';
import { performance } from 'node:perf_hooks';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  checkServed,
  defaultKubeConfig,
  jsonReader,
  OptionalListener,
  POD_GROUP_APIS,
  PooledKubeConfig,
  kubeClusterApi,
  kubeInformers,
  kubeLeaseApi,
  LeaseElector,
  Listener,
  SchedulerStore,
  type ApiResource,
  type ClusterApi,
  type ClusterInformers,
  type KubeConfig,
  type LeaseApi,
  type Serving,
} from '../cluster/index.js';
import { ok, planCycle, type GangSource, type PodGroupSource } from '../core/index.js';
import {
  convertClaim,
  convertCsiNode,
  convertNamespace,
  convertNode,
  convertPdb,
  convertPersistentVolume,
  convertPod,
  convertPodGroup,
  convertStorageClass,
  unreadablePodGroup,
} from '../snapshot/convert.js';
import type { SchedulerConfig } from './config.js';
import { Feedback } from './feedback.js';
import { GangGuard } from './gang-guard.js';
import { startHttp } from './http.js';
import { leaseNamespace, replicaIdentity } from './leadership.js';
import { SchedulerMetrics } from './metrics.js';
import { recordPass } from './pass-metrics.js';
import type { Logger } from './log.js';
import { PassLoop } from './loop.js';
import { runPass } from './pass.js';
import { secureServing } from './serving.js';
import { WatchRecovery } from './watch-recovery.js';
import { observedPodGroups, PodGroupStatusWriter } from './pod-group-status.js';

export interface StartOptions {
  readonly config: SchedulerConfig;
  readonly logger: Logger;
  /** Default: loadFromDefault (in-cluster, $KUBECONFIG, ~/.kube/config). */
  readonly kubeConfig?: KubeConfig;
  /** For tests: replace the API writes or the informers. */
  readonly api?: ClusterApi;
  readonly informers?: ClusterInformers;
  readonly now?: () => number;
  /** Default: a fresh registry of the scheduler's own. */
  readonly metrics?: SchedulerMetrics;
  /** For tests: the Lease (default: config.lease on the cluster) and the randomness of the identity. */
  readonly leaseApi?: LeaseApi;
  readonly random?: () => number;
  /** For tests: whether an optional API (the PodGroup kinds) is served; default asks discovery. */
  readonly checkServed?: (api: ApiResource) => Promise<Serving>;
  /** For tests: how often such an API is asked about again (default every 60 s). */
  readonly optionalApiRecheckMs?: number;
}

export interface RunningScheduler {
  /** Every listener has listed at least once. */
  readonly synced: () => boolean;
  /** Passes completed so far. */
  readonly passes: () => number;
  readonly metrics: SchedulerMetrics;
  /** Where the HTTP server listens, when it runs. */
  readonly httpAddress: () => AddressInfo | undefined;
  /** Names this replica in the Lease and in its events. */
  readonly identity: string;
  /** Whether this replica schedules now: always without leader election, else while it holds the Lease. */
  readonly leading: () => boolean;
  /** Resolves (with the reason) if the Lease is lost; this replica then never schedules again. */
  readonly leaseLost: Promise<string>;
  /**
   * Stops planning, lets in-flight calls finish (or abandons them after a grace), then
   * releases the Lease when holding it, and stops the watches.
   */
  stop(): Promise<void>;
}

/** The shortest time between two passes brought forward by victims going away. */
const WOKEN_PASS_GAP_MS = 500;

/** How often an API the cluster does not serve (a PodGroup kind) is asked about again. */
const OPTIONAL_API_RECHECK_MS = 60_000;

const POD_GROUP_SOURCES: readonly PodGroupSource[] = ['kubernetes', 'scheduler-plugins', 'volcano'];

export async function startScheduler(options: StartOptions): Promise<RunningScheduler> {
  const { config, logger: log } = options;
  const now = options.now ?? Date.now;
  const kc = PooledKubeConfig.from(options.kubeConfig ?? defaultKubeConfig());
  const podOrHost = process.env['POD_NAME'] ?? hostname();
  const identity = config.leaderElection ? replicaIdentity(podOrHost, options.random ?? Math.random) : podOrHost;
  const api = options.api ?? kubeClusterApi(kc, { retry: config.retry, reportingInstance: identity });
  const informers = options.informers ?? kubeInformers(kc);

  const listenerOptions = (name: string) => ({
    name,
    restartInitialDelayMs: 500,
    restartMaxDelayMs: config.watchRestartMaxDelayMs,
    quietMs: config.watchQuietTimeoutMs,
    now,
    delay: (ms: number, signal: AbortSignal) => sleep(ms, undefined, { signal }),
    log: (level: 'info' | 'warn', message: string, fields?: Record<string, unknown>) =>
      log.log(level, message, fields ?? {}),
  });
  const nodes = new Listener(informers.nodes, listenerOptions('nodes'));
  const pods = new Listener(informers.pods, listenerOptions('pods'));
  const pdbs = new Listener(informers.pdbs, listenerOptions('pdbs'));
  const namespaces = new Listener(informers.namespaces, listenerOptions('namespaces'));
  const claims = new Listener(informers.claims, listenerOptions('persistentvolumeclaims'));
  const volumes = new Listener(informers.volumes, listenerOptions('persistentvolumes'));
  const storageClasses = new Listener(informers.storageClasses, listenerOptions('storageclasses'));
  const csiNodes = new Listener(informers.csiNodes, listenerOptions('csinodes'));
  const listeners = [nodes, pods, pdbs, namespaces, claims, volumes, storageClasses, csiNodes] as const;
  const synced = (): boolean => listeners.every((l) => l.synced);
  // While the node or pod watch is down the maps miss what changed meanwhile (binds whose
  // events never came, pods deleted), and assumed binds would expire against them: passes are
  // held until both have listed again (kube-apiserver or etcd restarting, a network cut).
  const read = jsonReader(kc);
  const recovery = new WatchRecovery({
    listeners,
    answers: async () => (await read('/readyz')).status === 200,
    intervalMs: 1_000,
  });
  let held = false;
  const current = (): boolean => {
    const up = nodes.current && pods.current;
    if (!up && !held) log.warn('passes held: the node or pod watch is down; waiting until it lists again', {});
    if (up && held) log.info('passes resume: the node and pod watches listed again', {});
    held = !up;
    recovery.update(held);
    return up;
  };
  // PodGroups of the sources in use, each listened to while its API is served; a source that
  // is not served (or not listed yet) holds only the pods that name its PodGroups.
  const podGroupListeners = POD_GROUP_SOURCES.filter((source) => config.gangSources.includes(source)).map((source) => {
    const api = POD_GROUP_APIS[source];
    return {
      source,
      listener: new OptionalListener({
        api,
        purpose: `gang source ${source}`,
        listener: new Listener(informers.podGroups[source], listenerOptions(`podgroups (${source})`)),
        check: () => (options.checkServed ?? ((a: ApiResource) => checkServed(read, a)))(api),
        recheckMs: options.optionalApiRecheckMs ?? OPTIONAL_API_RECHECK_MS,
        delay: (ms, signal) => sleep(ms, undefined, { signal }),
        log: (level, message, fields) => log.log(level, message, fields ?? {}),
      }),
    };
  });
  const unavailableGangSources = (): Partial<Record<GangSource, string>> => {
    const reasons: Partial<Record<GangSource, string>> = {};
    for (const { source, listener } of podGroupListeners) {
      const reason = listener.unavailable();
      if (reason !== undefined) reasons[source] = reason;
    }
    return reasons;
  };

  const store = new SchedulerStore(
    {
      nodes: () => nodes.list(),
      pods: () => pods.list(),
      pdbs: () => pdbs.list(),
      namespaces: () => namespaces.list(),
      claims: () => claims.list(),
      volumes: () => volumes.list(),
      storageClasses: () => storageClasses.list(),
      csiNodes: () => csiNodes.list(),
      podGroups: () => podGroupListeners.flatMap(({ listener }) => listener.list()),
      unavailableGangSources,
    },
    {
      schedulerName: config.schedulerName,
      namespaces: config.namespaces,
      assumeTtlMs: config.assumeTtlMs,
      converters: {
        pod: (obj) => convertPod(obj, { annotationPrefix: config.annotationPrefix }),
        node: convertNode,
        pdb: convertPdb,
        namespace: convertNamespace,
        claim: convertClaim,
        volume: convertPersistentVolume,
        storageClass: convertStorageClass,
        csiNode: convertCsiNode,
        // A PodGroup that cannot be read still exists: its members wait with the error
        // rather than being told it does not exist (the store converts each object once).
        podGroup: (obj) => {
          const converted = convertPodGroup(obj);
          if (converted.ok) return converted;
          const unreadable = unreadablePodGroup(obj, converted.error);
          if (unreadable === undefined) return converted;
          log.warn('PodGroup cannot be read; its pods wait', { error: converted.error });
          return ok(unreadable);
        },
      },
      warn: (message, fields) => log.warn(message, fields),
    },
  );
  const kubernetesPodGroups = podGroupListeners.find((p) => p.source === 'kubernetes')?.listener;
  const podGroupStatus =
    kubernetesPodGroups === undefined
      ? undefined
      : new PodGroupStatusWriter(
          api,
          () => observedPodGroups(kubernetesPodGroups.list()),
          config,
          log,
          config.bindConcurrency,
        );
  const metrics = options.metrics ?? new SchedulerMetrics();
  const deps = {
    store,
    synced,
    current,
    plan: planCycle,
    planConfig: config,
    api,
    feedback: new Feedback(api, log, config.bindConcurrency),
    gangGuard: new GangGuard(config, config.gangBindTimeoutMs),
    ...(podGroupStatus === undefined ? {} : { podGroupStatus }),
    log,
    concurrency: config.bindConcurrency,
    dryRun: config.dryRun,
  };
  // Pods nominated in the last pass wait for their victims to go: each deletion seen brings the
  // next pass forward (at most one every WOKEN_PASS_GAP_MS), so they bind without waiting out the interval.
  let waitingForVictims = false;
  let deletionsSeen = 0;
  const loop = new PassLoop({
    intervalMs: config.intervalMs,
    minGapMs: Math.min(config.intervalMs, WOKEN_PASS_GAP_MS),
    passTimeoutMs: config.passTimeoutMs,
    stopGraceMs: Math.min(10_000, config.passTimeoutMs),
    now,
    sleep: (ms, signal) => sleep(ms, undefined, { signal }),
    pass: async (signal, at) => {
      const started = performance.now();
      const deletionsBefore = deletionsSeen;
      const summary = await runPass(deps, signal, at);
      waitingForVictims = (summary.plan?.nominations.length ?? 0) > 0;
      // Victims may be gone before the pass that evicted them ends.
      if (waitingForVictims && deletionsSeen !== deletionsBefore) loop.wake();
      recordPass(metrics, summary, (performance.now() - started) / 1000, config);
    },
    onError: (err) =>
      log.error('pass failed', { error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
  });
  informers.pods.on('delete', () => {
    deletionsSeen += 1;
    if (waitingForVictims) loop.wake();
  });

  let stopping = false;
  let reportLost: (reason: string) => void = () => undefined;
  const leaseLost = new Promise<string>((resolve) => (reportLost = resolve));
  const elector = config.leaderElection
    ? new LeaseElector({
        ...config.lease,
        lease:
          options.leaseApi ??
          kubeLeaseApi(kc, { name: config.lease.name, namespace: leaseNamespace(config.lease.namespace) }),
        identity,
        now,
        sleep: (ms, signal) => sleep(ms, undefined, { signal }),
        random: options.random ?? Math.random,
        onAcquired: () => {
          if (stopping) return;
          metrics.setLeader(true);
          leadingSince = now();
          loop.start();
        },
        onLost: (reason) => {
          metrics.setLeader(false);
          log.error('lost the lease: stopped scheduling', { identity, reason });
          void loop.stop(0);
          reportLost(reason);
        },
        log: (level, message, fields) => log.log(level, message, fields),
      })
    : undefined;
  const leading = (): boolean => !stopping && (elector?.leading ?? true);

  // The probes answer from the start: reading a large cluster takes minutes (150,000 pods:
  // about 2.5 min here), and a kubelet whose startup probe found no server would restart it.
  // Until the listeners' first lists are over the process counts as alive and not ready.
  let listed = false;
  let leadingSince = now();
  // Alive while passes keep ending (a stuck pass is caught after a few deadlines); a
  // standby while its attempts on the Lease keep ending.
  const alive = (): boolean => {
    if (!listed) return true;
    if (elector !== undefined && !elector.leading) {
      return now() - elector.lastAttemptEndedAt < 3 * (1.2 * config.lease.retryPeriodMs + config.lease.renewDeadlineMs);
    }
    return now() - (loop.lastPassEndedAt ?? leadingSince) < 3 * (config.intervalMs + config.passTimeoutMs);
  };
  let server: Server | undefined;
  if (config.httpPort > 0) {
    server = await startHttp({
      port: config.httpPort,
      address: config.httpAddress,
      ...(config.secureServing
        ? secureServing({ tls: config.tls, address: config.httpAddress, kubeConfig: kc, now, log })
        : {}),
      metrics: metrics,
      probes: {
        ready: synced,
        alive,
      },
    });
  }
  await Promise.all([...listeners, ...podGroupListeners.map((p) => p.listener)].map((l) => l.start()));
  listed = true;
  leadingSince = now();
  if (elector === undefined) {
    metrics.setLeader(true);
    loop.start();
  } else {
    metrics.setLeader(false);
    elector.start();
  }
  log.info('scheduler started', {
    schedulerName: config.schedulerName,
    intervalMs: config.intervalMs,
    namespaces: config.namespaces.length === 0 ? 'all' : config.namespaces.join(','),
    synced: synced(),
    dryRun: config.dryRun,
    ...(elector === undefined ? {} : { leaderElection: identity }),
  });

  return {
    synced,
    passes: () => loop.passes,
    metrics,
    httpAddress: () => {
      // A TCP server's address is an object; a string would mean a pipe, never used here.
      const address = server?.address();
      return typeof address === 'object' && address !== null ? address : undefined;
    },
    identity,
    leading,
    leaseLost,
    stop: async () => {
      stopping = true;
      // The lease is renewed until the calls in flight have ended, then handed back.
      await loop.stop();
      await elector?.stop();
      metrics.setLeader(false);
      recovery.stop();
      await Promise.all([...listeners, ...podGroupListeners.map((p) => p.listener)].map((l) => l.stop()));
      if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
      log.info('scheduler stopped');
    },
  };
}
