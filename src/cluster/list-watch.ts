// client-node's ListWatch, mended in two places:
// - Its list() without a namespace gathers every namespace's objects with `push(...objects)`,
//   which passes each object as an argument: with about 120,000 pods in one namespace that
//   exceeds the call stack ("Maximum call stack size exceeded"), and every pass failed at the
//   150,000-pod scale point. This ListWatch remembers the namespaces it has held and lists them
//   one at a time, so the whole list is built without a spread.
// - Its start() after a stop() lists only if it has no resourceVersion yet, else it watches
//   again from the last one. The Listener restarts an informer after a failed watch and counts
//   its maps current once start() resolves; after kube-apiserver was killed, the restarted
//   watch connected from the old resourceVersion, start() resolved, and the first pass saw
//   pods as pending whose binds had landed just before the kill (their 410 and relist were
//   still to come): it bound them again elsewhere and overcommitted their nodes. Here every
//   start() lists, as client-go's reflector does after a watch error.
import { ListWatch, type KubernetesObject } from '@kubernetes/client-node';

export class WholeListWatch<T extends KubernetesObject> extends ListWatch<T> {
  /** Every namespace an object was added in (an emptied one lists as nothing). */
  private readonly namespaces = new Set<string>();
  /**
   * Cluster-scoped objects by name. ListWatch keeps them under the namespace '', which its
   * list() reads as "every namespace", so they are mirrored from the events instead.
   */
  private readonly clusterScoped = new Map<string, T>();

  constructor(...args: ConstructorParameters<typeof ListWatch<T>>) {
    super(...args);
    const keep = (obj: T): void => {
      const namespace = obj.metadata?.namespace ?? '';
      if (namespace === '') this.clusterScoped.set(obj.metadata?.name ?? '', obj);
      else this.namespaces.add(namespace);
    };
    this.on('add', keep);
    this.on('update', keep);
    this.on('delete', (obj) => {
      if ((obj.metadata?.namespace ?? '') === '') this.clusterScoped.delete(obj.metadata?.name ?? '');
    });
  }

  /** Lists, then watches from the list's resourceVersion; resolves once both are under way. */
  override async start(): Promise<void> {
    // ListWatch lists only when its (private) resourceVersion is empty; 410 Gone empties it the same way.
    Reflect.set(this, 'resourceVersion', '');
    if (this.latestResourceVersion() !== '')
      throw new Error(
        'ListWatch kept its resourceVersion: the installed @kubernetes/client-node is not the one this was written for',
      );
    await super.start();
  }

  override list(namespace?: string): readonly T[] {
    if (namespace !== undefined && namespace !== '') return super.list(namespace);
    const all: T[] = [...this.clusterScoped.values()];
    for (const ns of this.namespaces) for (const obj of super.list(ns)) all.push(obj);
    return all;
  }
}
