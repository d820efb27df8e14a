import { createHash } from 'node:crypto';
import type { FakeConfig } from './config.js';
import type { RestResult } from './rest-kit.js';
import type { FaultResponse, RequestMatch } from './types.js';

/** A request as the limiter sees it. */
export interface LimitedRequest {
  readonly method: string;
  readonly path: string;
  /** Bot-authenticated and not an interaction endpoint: counts toward the global limit. */
  readonly global: boolean;
  readonly now: number;
}

interface Bucket {
  count: number;
  resetAt: number;
}

interface Injected {
  readonly match: RequestMatch;
  readonly result: (hash: string, now: number) => RestResult;
  remaining: number;
}

/**
 * The route and major parameter @discordjs/rest uses to queue requests (its `generateRouteData`),
 * so the fake's buckets line up with the client's. Interaction callbacks, which discord.js sends
 * unqueued, get one bucket per interaction.
 */
export function bucketOf(method: string, path: string): { route: string; major: string } {
  const callback = /^\/interactions\/(\d+)\/[^/]+\/callback$/.exec(path);
  if (callback) {
    return { route: `${method}:/interactions/:id/:token/callback`, major: callback[1] ?? '' };
  }
  const major =
    /^\/webhooks\/(\d{17,19}\/[^/?]+)/.exec(path)?.[1] ??
    /^\/(?:channels|guilds|webhooks)\/(\d{17,19})/.exec(path)?.[1] ??
    'global';
  const route = path
    .replaceAll(/\d{17,19}/g, ':id')
    .replace(/\/webhooks\/:id\/[^/?]+/, '/webhooks/:id/:token');
  return { route: `${method}:${route}`, major };
}

/**
 * Per-bucket and global rate limiting with Discord's headers (platforms.md B8), plus the
 * test-injected faults and 429s, which take precedence and are not violations.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly injected: Injected[] = [];
  private globalWindow: Bucket = { count: 0, resetAt: 0 };

  constructor(private readonly config: FakeConfig) {}

  /** Queues `times` canned answers for matching requests. */
  fault(match: RequestMatch, response: FaultResponse, times: number): void {
    this.injected.push({
      match,
      remaining: times,
      result: () => ({
        status: response.status,
        body: response.body,
        headers: response.headers ?? {},
      }),
    });
  }

  /** Queues one 429 for the next matching request. */
  rateLimit(match: RequestMatch, retryAfter: number, global: boolean): void {
    this.injected.push({
      match,
      remaining: 1,
      result: (hash, now) => tooMany(retryAfter, global, hash, now),
    });
  }

  /** A queued fault or 429 for this request, consuming it. */
  takeInjected(req: LimitedRequest): RestResult | undefined {
    const found = this.injected.find(
      (i) =>
        i.remaining > 0 &&
        i.match.method.toUpperCase() === req.method &&
        i.match.path.test(req.path),
    );
    if (!found) return undefined;
    found.remaining -= 1;
    const { route } = bucketOf(req.method, req.path);
    const result = found.result(hashOf(route), req.now);
    return { ...result, headers: { ...this.headersFor(req, false).headers, ...result.headers } };
  }

  /**
   * Counts the request against its bucket (and the global window) and returns the headers to send,
   * or a 429 violation when the client ignored the limits it was told.
   */
  take(req: LimitedRequest): { headers: Record<string, string>; refused?: RestResult } {
    const globalRefusal = this.takeGlobal(req);
    if (globalRefusal) return { headers: {}, refused: globalRefusal };
    return this.headersFor(req, true);
  }

  /** Headers describing the bucket of a request that was not counted (refused before limits). */
  peekHeaders(method: string, path: string, now: number): Record<string, string> {
    return this.headersFor({ method, path, global: false, now }, false).headers;
  }

  private takeGlobal(req: LimitedRequest): RestResult | undefined {
    const limit = this.config.globalPerSecond;
    if (limit === null || !req.global) return undefined;
    if (req.now >= this.globalWindow.resetAt)
      this.globalWindow = { count: 0, resetAt: req.now + 1000 };
    this.globalWindow.count += 1;
    if (this.globalWindow.count <= limit) return undefined;
    const retryAfter = (this.globalWindow.resetAt - req.now) / 1000;
    const result = tooMany(retryAfter, true, hashOf('global'), req.now);
    return { ...result, violation: `429 global rate limit (${limit}/s) exceeded` };
  }

  private headersFor(
    req: LimitedRequest,
    count: boolean,
  ): { headers: Record<string, string>; refused?: RestResult } {
    const { route, major } = bucketOf(req.method, req.path);
    const key = `${route}|${major}`;
    const { limit, windowMs } = this.config.perRoute;
    let bucket = this.buckets.get(key);
    if (!bucket || req.now >= bucket.resetAt) {
      bucket = { count: 0, resetAt: req.now + windowMs };
      this.buckets.set(key, bucket);
    }
    const hash = hashOf(route);
    if (count && bucket.count >= limit) {
      const result = tooMany((bucket.resetAt - req.now) / 1000, false, hash, req.now);
      return {
        headers: {},
        refused: {
          ...result,
          violation: `429 bucket ${route} exceeded (${limit} per ${windowMs} ms)`,
        },
      };
    }
    if (count) bucket.count += 1;
    const resetAfter = (bucket.resetAt - req.now) / 1000;
    return {
      headers: {
        'X-RateLimit-Limit': String(limit),
        'X-RateLimit-Remaining': String(Math.max(0, limit - bucket.count)),
        'X-RateLimit-Reset': (bucket.resetAt / 1000).toFixed(3),
        'X-RateLimit-Reset-After': resetAfter.toFixed(3),
        'X-RateLimit-Bucket': hash,
      },
    };
  }
}

/** A 429 answer with Discord's body and headers. */
function tooMany(retryAfter: number, global: boolean, hash: string, now: number): RestResult {
  return {
    status: 429,
    body: { message: 'You are being rate limited.', retry_after: retryAfter, global },
    headers: {
      'Retry-After': String(retryAfter),
      'X-RateLimit-Limit': '1',
      'X-RateLimit-Remaining': '0',
      'X-RateLimit-Reset': ((now + retryAfter * 1000) / 1000).toFixed(3),
      'X-RateLimit-Reset-After': retryAfter.toFixed(3),
      'X-RateLimit-Bucket': hash,
      'X-RateLimit-Scope': global ? 'global' : 'user',
      ...(global ? { 'X-RateLimit-Global': 'true' } : {}),
    },
  };
}

/** A stable 32-hex-digit bucket hash, like Discord's opaque bucket ids. */
function hashOf(route: string): string {
  return createHash('sha1').update(route).digest('hex').slice(0, 32);
}
