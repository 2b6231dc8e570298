// What the race sees of one namespace's pods: when each was bound (by the watch, so to the
// millisecond rather than the second of a condition), which were deleted, and their phases.
import { isRecord, type RaceApi } from './api.js';

export interface ObservedPod {
  readonly name: string;
  nodeName: string;
  /** Epoch ms at which the watch first saw the pod bound. */
  boundAt: number | undefined;
  phase: string;
  deleting: boolean;
  readonly labels: Readonly<Record<string, string>>;
}

export class PodWatch {
  private readonly pods = new Map<string, ObservedPod>();
  private deletedCount = 0;
  private waiters: (() => void)[] = [];
  private readonly stopping = new AbortController();
  private running: Promise<void> = Promise.resolve();
  private failure: Error | undefined;

  private constructor(
    private readonly api: RaceApi,
    readonly namespace: string,
  ) {}

  /** Lists the namespace's pods, then watches from that list on until stopped. */
  static async start(api: RaceApi, namespace: string): Promise<PodWatch> {
    const watch = new PodWatch(api, namespace);
    const resourceVersion = await watch.list();
    watch.running = watch.follow(resourceVersion);
    return watch;
  }

  size(): number {
    return this.pods.size;
  }

  all(): IterableIterator<ObservedPod> {
    return this.pods.values();
  }

  bound(): number {
    let count = 0;
    for (const pod of this.pods.values()) if (pod.nodeName !== '') count++;
    return count;
  }

  /** Pods that were deleted or got a deletionTimestamp while watched (evictions, preemption). */
  deletions(): number {
    return this.deletedCount;
  }

  count(predicate: (pod: ObservedPod) => boolean): number {
    let count = 0;
    for (const pod of this.pods.values()) if (predicate(pod)) count++;
    return count;
  }

  /** Resolves at the next change, or after maxWaitMs at the latest; throws if the watch failed. */
  async changed(maxWaitMs: number): Promise<void> {
    this.throwIfFailed();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, maxWaitMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    this.throwIfFailed();
  }

  private throwIfFailed(): void {
    const failure = this.failure;
    if (failure !== undefined) throw failure;
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.running;
  }

  private async list(): Promise<string> {
    let continueToken = '';
    let resourceVersion = '';
    do {
      const query = `limit=5000${continueToken === '' ? '' : `&continue=${encodeURIComponent(continueToken)}`}`;
      const page = await this.api.ok('GET', `/api/v1/namespaces/${this.namespace}/pods?${query}`);
      if (!isRecord(page) || !Array.isArray(page['items']))
        throw new Error(`${this.namespace}: pod list without items`);
      const metadata = isRecord(page['metadata']) ? page['metadata'] : {};
      if (resourceVersion === '') resourceVersion = stringField(metadata, 'resourceVersion');
      continueToken = stringField(metadata, 'continue');
      for (const item of page['items']) this.apply('ADDED', item);
    } while (continueToken !== '');
    return resourceVersion;
  }

  private async follow(from: string): Promise<void> {
    let resourceVersion = from;
    while (!this.stopping.signal.aborted && this.failure === undefined) {
      // One stream per round: an ERROR event (410 Gone) ends it, and with it the watch.
      const round = new AbortController();
      const stop = (): void => round.abort();
      this.stopping.signal.addEventListener('abort', stop, { once: true });
      try {
        await this.api.watch(
          `/api/v1/namespaces/${this.namespace}/pods?watch=1&allowWatchBookmarks=true&resourceVersion=${resourceVersion}`,
          (type, object) => {
            if (type === 'ERROR') {
              this.fail(new Error(`watch of ${this.namespace} failed: ${JSON.stringify(object)}`));
              round.abort();
              return;
            }
            const metadata = isRecord(object) && isRecord(object['metadata']) ? object['metadata'] : {};
            const version = stringField(metadata, 'resourceVersion');
            if (version !== '') resourceVersion = version;
            if (type !== 'BOOKMARK') this.apply(type, object);
          },
          round.signal,
        );
      } catch (err) {
        this.fail(err instanceof Error ? err : new Error(String(err)));
      } finally {
        this.stopping.signal.removeEventListener('abort', stop);
      }
    }
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.wake();
  }

  private apply(type: string, object: unknown): void {
    if (!isRecord(object)) return;
    const metadata = isRecord(object['metadata']) ? object['metadata'] : {};
    const spec = isRecord(object['spec']) ? object['spec'] : {};
    const status = isRecord(object['status']) ? object['status'] : {};
    const name = stringField(metadata, 'name');
    const known = this.pods.get(name);
    if (type === 'DELETED') {
      if (known !== undefined && !known.deleting) this.deletedCount++;
      this.pods.delete(name);
      this.wake();
      return;
    }
    const pod = known ?? {
      name,
      nodeName: '',
      boundAt: undefined,
      phase: '',
      deleting: false,
      labels: stringMap(metadata['labels']),
    };
    const nodeName = stringField(spec, 'nodeName');
    if (nodeName !== '' && pod.nodeName === '') pod.boundAt = Date.now();
    pod.nodeName = nodeName;
    pod.phase = stringField(status, 'phase');
    if (!pod.deleting && stringField(metadata, 'deletionTimestamp') !== '') {
      pod.deleting = true;
      this.deletedCount++;
    }
    this.pods.set(name, pod);
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

function stringField(object: Record<string, unknown>, key: string): string {
  const value = object[key];
  return typeof value === 'string' ? value : '';
}

function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isRecord(value)) for (const [key, v] of Object.entries(value)) if (typeof v === 'string') out[key] = v;
  return out;
}
