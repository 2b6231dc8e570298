// The plan's volume writes. A choice, claim by claim: for a chosen volume, its claimRef
// first (the PV controller then binds the pair), then the claim's chosen-at time; for
// dynamic provisioning, the claim's selected-node annotation with the time. A release
// undoes one: the volume's claimRef first, then the claim's annotations. When the first
// write of a pair fails for sure the second is not sent, so a claim is stamped only with
// a choice that was made, and a release that did not happen is tried again by the next
// pass (the stamp is still there). Each write is assumed in the store before the call,
// like the pod writes.
import type { AnnotationPatch, CallOutcome, ClaimRefValue, ClusterApi, PassInput } from '../cluster/index.js';
import { chosenAtAnnotation, SELECTED_NODE, type Claim, type VolumeChoice, type VolumeRelease } from '../core/index.js';
import type { WriteReport, WriteResult } from './executor.js';
import type { Logger } from './log.js';

export interface VolumeAssumeSink {
  assumeClaim(claim: Claim, annotations: AnnotationPatch, at: number): void;
  forgetClaim(claim: Claim): void;
  assumeVolume(volume: string, claimRef: ClaimRefValue | undefined, at: number): void;
  forgetVolume(volume: string): void;
}

/** One volume write: `pod` and `node` of the choice ('' for a release), `object` written. */
export interface VolumeWriteReport extends WriteReport {
  /** `persistentvolumeclaim ns/name` or `persistentvolume name`. */
  readonly object: string;
}

export interface VolumeWriteDeps {
  readonly api: ClusterApi;
  readonly assumed: VolumeAssumeSink;
  readonly log: Logger;
  /** Prefix of the chosen-at annotation (the planner's annotationPrefix). */
  readonly annotationPrefix: string;
}

interface Context {
  readonly deps: VolumeWriteDeps;
  readonly input: PassInput;
  readonly claims: ReadonlyMap<string, Claim>;
  readonly signal: AbortSignal;
  readonly now: number;
}

export class VolumeWriter {
  private readonly context: Context;

  constructor(deps: VolumeWriteDeps, input: PassInput, signal: AbortSignal, now: number) {
    const claims = new Map((input.snapshot.claims ?? []).map((c) => [c.key, c]));
    this.context = { deps, input, claims, signal, now };
  }

  /** Writes one pod's choice, claim after claim. */
  async choose(choice: VolumeChoice): Promise<VolumeWriteReport[]> {
    const reports: VolumeWriteReport[] = [];
    const chosenAt = chosenAtAnnotation(this.context.deps.annotationPrefix);
    const at = new Date(this.context.now).toISOString();
    for (const { claim: key, volume } of choice.claims) {
      const claim = this.context.claims.get(key);
      const write = { pod: choice.pod, node: choice.node, what: volume === '' ? 'selected node' : `volume ${volume}` };
      if (claim === undefined) {
        reports.push(this.missing(`persistentvolumeclaim ${key}`, write));
        continue;
      }
      if (volume !== '') {
        const pre = await this.setVolumeClaim(volume, refOf(claim), write);
        reports.push(pre);
        if (pre.result === 'failed') continue;
      }
      const annotations: AnnotationPatch =
        volume === '' ? { [SELECTED_NODE]: choice.node, [chosenAt]: at } : { [chosenAt]: at };
      reports.push(await this.annotateClaim(claim, annotations, write));
    }
    return reports;
  }

  /** Undoes one choice that did not bind in time. */
  async release(release: VolumeRelease): Promise<VolumeWriteReport[]> {
    const claim = this.context.claims.get(release.claim);
    const write = { pod: '', node: '', what: 'release' };
    if (claim === undefined) return [this.missing(`persistentvolumeclaim ${release.claim}`, write)];
    const reports: VolumeWriteReport[] = [];
    if (release.volume !== '') {
      const cleared = await this.setVolumeClaim(release.volume, undefined, write);
      reports.push(cleared);
      if (cleared.result === 'failed') return reports;
    }
    const chosenAt = chosenAtAnnotation(this.context.deps.annotationPrefix);
    reports.push(await this.annotateClaim(claim, { [SELECTED_NODE]: null, [chosenAt]: null }, write));
    return reports;
  }

  private async setVolumeClaim(
    volume: string,
    ref: ClaimRefValue | undefined,
    write: Write,
  ): Promise<VolumeWriteReport> {
    const { deps, input, signal, now } = this.context;
    const object = `persistentvolume ${volume}`;
    const resourceVersion = input.volumeVersions.get(volume);
    if (resourceVersion === undefined) return this.missing(object, write);
    deps.assumed.assumeVolume(volume, ref, now);
    const outcome = await deps.api.setVolumeClaim({ name: volume, resourceVersion }, ref, signal);
    const report = this.report(object, write, outcome);
    if (report.result === 'failed') deps.assumed.forgetVolume(volume);
    return report;
  }

  private async annotateClaim(claim: Claim, annotations: AnnotationPatch, write: Write): Promise<VolumeWriteReport> {
    const { deps, signal, now } = this.context;
    deps.assumed.assumeClaim(claim, annotations, now);
    const outcome = await deps.api.annotateClaim(refOf(claim), annotations, signal);
    const report = this.report(`persistentvolumeclaim ${claim.key}`, write, outcome);
    if (report.result === 'failed') deps.assumed.forgetClaim(claim);
    return report;
  }

  /** Not in the snapshot the plan was made from: cannot happen for a sane plan. */
  private missing(object: string, write: Write): VolumeWriteReport {
    this.context.deps.log.warn(`volume write skipped: ${object} is not in the snapshot`, fields(object, write));
    return { pod: write.pod, node: write.node, object, result: 'failed' };
  }

  private report(object: string, write: Write, outcome: CallOutcome<void>): VolumeWriteReport {
    const result = interpret(object, write, outcome, this.context.deps.log);
    const base = { pod: write.pod, node: write.node, object, result };
    return outcome.ok ? base : { ...base, errorClass: outcome.error.kind };
  }
}

interface Write {
  readonly pod: string;
  readonly node: string;
  /** What is written, for the log: `volume pv-1`, `selected node`, `release`. */
  readonly what: string;
}

function refOf(claim: Claim): ClaimRefValue {
  return { namespace: claim.namespace, name: claim.name, uid: claim.uid };
}

function fields(object: string, write: Write): Record<string, unknown> {
  return {
    action: 'volume',
    object,
    write: write.what,
    ...(write.pod === '' ? {} : { pod: write.pod, node: write.node }),
  };
}

function interpret(object: string, write: Write, outcome: CallOutcome<void>, log: Logger): WriteResult {
  const base = fields(object, write);
  const subject = write.pod === '' ? `${write.what} of ${object}` : `${write.what} for ${write.pod} on ${object}`;
  if (outcome.ok) {
    log.info(`wrote ${subject}`, base);
    return 'done';
  }
  const { error } = outcome;
  const detail = { ...base, status: error.status, error: error.message };
  if (outcome.abandoned) {
    log.warn(`${subject} abandoned at the pass deadline; assumed until the watch tells`, detail);
    return 'abandoned';
  }
  switch (error.kind) {
    case 'gone':
      log.info(`${subject} skipped: the object is gone`, detail);
      break;
    case 'conflict':
      // The volume changed since the snapshot (bound to another claim, say): plan again from the watch.
      log.info(`${subject} conflicted; resyncing from the watch`, detail);
      break;
    case 'forbidden':
      log.error(`${subject} forbidden: the scheduler lacks a permission`, detail);
      break;
    case 'transient':
      log.warn(`${subject} failed after retries`, detail);
      break;
    case 'invalid':
      log.error(`${subject} rejected by the API server`, detail);
      break;
  }
  return 'failed';
}
