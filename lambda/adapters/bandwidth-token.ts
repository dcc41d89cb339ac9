/**
 * Bandwidth API credentials through OAuth 2.0 client credentials: `POST {tokenUrl}` with Basic
 * `client_id:client_secret` and `grant_type=client_credentials`, then `Authorization: Bearer <access_token>`.
 * The token is cached until shortly before it expires; concurrent callers share one request for it. The token
 * endpoint's own 429 and 5xx answers, and a request that failed, are retried as the call list's are
 * (bandwidth-retry.ts). Used by reconciliation (the Voice API's call list) and `npm run wire` (the account API).
 */
import {
  backoffMs,
  DEFAULT_MAX_ATTEMPTS,
  isRetriedStatus,
  type RetryPolicy,
  retryAfterMs,
  sleep,
} from './bandwidth-retry.ts';

export const DEFAULT_TOKEN_URL = 'https://api.bandwidth.com/api/v1/oauth2/token';

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

/** Why a Bandwidth API call failed, in the terms an operator acts on. */
export type BandwidthFailure = 'credentials' | 'unreachable' | 'answer';

export class BandwidthApiError extends Error {
  constructor(
    message: string,
    readonly failure: BandwidthFailure,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'BandwidthApiError';
  }
}

export interface TokenClientOptions extends RetryPolicy {
  tokenUrl: string;
  /** The credentials, or how to read them (a secret store) the first time a token is needed. */
  credentials: ClientCredentials | (() => Promise<ClientCredentials>);
  /** Per request. */
  timeoutMs?: number;
  userAgent?: string;
  now?: () => number;
}

/** A token is renewed this long before Bandwidth says it expires, so a request never carries one that just did. */
const EXPIRY_MARGIN_MS = 60_000;
/** When the answer has no `expires_in`. */
const DEFAULT_LIFETIME_S = 300;

export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

export class BandwidthTokenClient {
  private cached: { authorization: string; until: number } | undefined;
  private pending: Promise<string> | undefined;
  private readonly now: () => number;

  constructor(private readonly options: TokenClientOptions) {
    this.now = options.now ?? Date.now;
  }

  /** `Bearer <token>`, from the cache while it is valid. */
  authorization(signal?: AbortSignal): Promise<string> {
    if (this.cached !== undefined && this.now() < this.cached.until) return Promise.resolve(this.cached.authorization);
    this.pending ??= this.fetchToken(signal).finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /** Forgets the cached token (the API refused it before its time). */
  invalidate(): void {
    this.cached = undefined;
  }

  private async fetchToken(signal: AbortSignal | undefined): Promise<string> {
    const { credentials, tokenUrl } = this.options;
    const { clientId, clientSecret } = typeof credentials === 'function' ? await credentials() : credentials;
    const { response, text } = await retriedRequest({
      name: "Bandwidth's token endpoint",
      where: tokenUrl,
      policy: this.options,
      timeoutMs: this.options.timeoutMs ?? 10_000,
      signal,
      send: (requestSignal) =>
        fetch(tokenUrl, {
          method: 'POST',
          headers: {
            Authorization: basicAuthorization(clientId, clientSecret),
            'Content-Type': 'application/x-www-form-urlencoded',
            Accept: 'application/json',
            'User-Agent': this.options.userAgent ?? 'bandwidth-disconnect-recorder',
          },
          body: 'grant_type=client_credentials',
          signal: requestSignal,
        }),
    });
    if (response.status === 400 || response.status === 401 || response.status === 403) {
      throw new BandwidthApiError(
        `Bandwidth refused the API credentials (token endpoint answered ${response.status}); check BW_CLIENT_ID and BW_CLIENT_SECRET`,
        'credentials',
        response.status,
      );
    }
    if (!response.ok) {
      throw new BandwidthApiError(`Bandwidth's token endpoint answered ${response.status}`, 'answer', response.status);
    }
    let answer: { access_token?: unknown; expires_in?: unknown } = {};
    try {
      answer = JSON.parse(text) as typeof answer;
    } catch {
      // Reported below as an answer without a token.
    }
    const token = answer.access_token;
    if (typeof token !== 'string' || token === '') {
      throw new BandwidthApiError(
        "Bandwidth's token endpoint answered without an access_token",
        'answer',
        response.status,
      );
    }
    const lifetimeMs =
      (typeof answer.expires_in === 'number' && answer.expires_in > 0 ? answer.expires_in : DEFAULT_LIFETIME_S) * 1000;
    const authorization = `Bearer ${token}`;
    // A lifetime shorter than twice the margin: trusted for half of it.
    this.cached = { authorization, until: this.now() + Math.max(lifetimeMs - EXPIRY_MARGIN_MS, lifetimeMs / 2) };
    return authorization;
  }
}

/** An error's message, with its cause's (fetch hides ECONNREFUSED and the like there). */
export function reason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}

export interface RetriedRequest {
  /** For messages: "Bandwidth's token endpoint", "Bandwidth's Voice API". */
  name: string;
  /** For the unreachable message: the URL or origin. */
  where: string;
  policy: RetryPolicy;
  /** One attempt, to the end of its answer. */
  timeoutMs: number;
  /** The caller's deadline: it ends a wait or an attempt, and its reason is what the caller sees. */
  signal: AbortSignal | undefined;
  send: (signal: AbortSignal) => Promise<Response>;
}

/**
 * One Bandwidth request, tried again as bandwidth-retry.ts says (a failed request, 429, 5xx): the first answer that
 * is not retried, with its text and how many attempts it took. Shared by the token endpoint and the call list.
 */
export async function retriedRequest(
  request: RetriedRequest,
): Promise<{ response: Response; text: string; attempts: number }> {
  const { name, where, policy, signal } = request;
  const maxAttempts = policy.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  for (let attempt = 1; ; attempt += 1) {
    let response: Response;
    let text: string;
    try {
      const timeout = AbortSignal.timeout(request.timeoutMs);
      response = await request.send(signal === undefined ? timeout : AbortSignal.any([signal, timeout]));
      text = await response.text();
    } catch (error) {
      // The caller's deadline, not the API's fault: the caller says what it means.
      if (signal?.aborted === true) throw signal.reason;
      if (error instanceof BandwidthApiError) throw error;
      if (attempt >= maxAttempts)
        throw new BandwidthApiError(`${name} ${where} is unreachable: ${reason(error)}`, 'unreachable');
      await sleep(backoffMs(policy, attempt, undefined), signal);
      continue;
    }
    if (!isRetriedStatus(response.status)) return { response, text, attempts: attempt };
    if (attempt >= maxAttempts) {
      throw new BandwidthApiError(
        `${name} answered ${response.status} ${maxAttempts} times in a row; try again later`,
        response.status === 429 ? 'answer' : 'unreachable',
        response.status,
      );
    }
    await sleep(backoffMs(policy, attempt, retryAfterMs(response.headers.get('retry-after'))), signal);
  }
}
