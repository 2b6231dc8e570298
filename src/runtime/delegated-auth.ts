// Who may read /metrics: the bearer token is reviewed by the API server (TokenReview) and
// its user's request authorized there (SubjectAccessReview), as kube-scheduler's delegated
// authentication and authorization do. Verdicts are kept for a short while (10 s, as
// kube-scheduler's defaults) so a scraper costs the API server two calls per 10 s, not per
// scrape; failures to get a verdict are never kept.
import { createHash } from 'node:crypto';
import type { AccessReviews, NonResourceRequest, TokenVerdict, UserInfo } from '../cluster/index.js';

export type Verdict =
  { readonly status: 200; readonly user: string } | { readonly status: 401 | 403 | 500; readonly message: string };

export interface DelegatedAuthOptions {
  readonly reviews: AccessReviews;
  readonly now: () => number;
  /** How long a verdict is kept (default 10 s). */
  readonly ttlMs?: number;
  /** Most verdicts kept of each kind; the oldest go first (default 1,000). */
  readonly maxEntries?: number;
}

export class DelegatedAuth {
  private readonly tokens: VerdictCache<TokenVerdict>;
  private readonly access: VerdictCache<boolean>;

  constructor(private readonly options: DelegatedAuthOptions) {
    const ttl = options.ttlMs ?? 10_000;
    const max = options.maxEntries ?? 1_000;
    this.tokens = new VerdictCache(ttl, max, options.now);
    this.access = new VerdictCache(ttl, max, options.now);
  }

  /** The answer to a request carrying this Authorization header. */
  async check(authorization: string | undefined, request: NonResourceRequest): Promise<Verdict> {
    const token = bearerToken(authorization);
    if (token === undefined) return { status: 401, message: 'Unauthorized: a bearer token is required' };
    const tokenKey = createHash('sha256').update(token).digest('hex');
    let identity = this.tokens.get(tokenKey);
    if (identity === undefined) {
      try {
        identity = await this.options.reviews.reviewToken(token);
      } catch (err) {
        return { status: 500, message: `the token could not be reviewed: ${errorText(err)}` };
      }
      this.tokens.set(tokenKey, identity);
    }
    if (!identity.authenticated) return { status: 401, message: `Unauthorized: ${identity.reason}` };
    const { user } = identity;
    const accessKey = JSON.stringify([user.username, user.uid, user.groups, request.path, request.verb]);
    let allowed = this.access.get(accessKey);
    let reason = '';
    if (allowed === undefined) {
      try {
        const verdict = await this.options.reviews.reviewAccess(user, request);
        allowed = verdict.allowed;
        reason = verdict.reason;
      } catch (err) {
        return { status: 500, message: `access could not be reviewed: ${errorText(err)}` };
      }
      this.access.set(accessKey, allowed);
    }
    if (allowed) return { status: 200, user: user.username };
    return { status: 403, message: forbidden(user, request, reason) };
  }
}

function forbidden(user: UserInfo, request: NonResourceRequest, reason: string): string {
  const base = `forbidden: user "${user.username}" cannot ${request.verb} path "${request.path}"`;
  return reason === '' ? base : `${base}: ${reason}`;
}

/** The token of `Bearer <token>` (the scheme in any case, as RFC 7235 allows). */
export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match?.[1];
}

/** Verdicts by key for ttlMs, at most max of them (the oldest leave first). */
class VerdictCache<T> {
  private readonly entries = new Map<string, { readonly value: T; readonly until: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly max: number,
    private readonly now: () => number,
  ) {}

  get(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.until > this.now()) return entry.value;
    this.entries.delete(key);
    return undefined;
  }

  set(key: string, value: T): void {
    this.entries.delete(key);
    this.entries.set(key, { value, until: this.now() + this.ttlMs });
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.max) break;
      this.entries.delete(oldest);
    }
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
