/**
 * Settings shared by the recorder's AWS clients. An endpoint override means a local DynamoDB- or S3-protocol
 * server (dynalite, s3rver, DynamoDB Local, LocalStack): those take s3rver's well-known local key, so a developer without
 * an AWS account needs none.
 */
/** The key every local store takes (s3rver's well-known one; dynalite takes any): stated here once for all. */
export const LOCAL_STORE_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export function awsClientConfig(region: string | undefined, endpoint: string | undefined) {
  const local = endpoint !== undefined;
  // Only explicit keys count: a profile exported for real AWS work must not break the local stores.
  const hasCredentials = process.env['AWS_ACCESS_KEY_ID'] !== undefined;
  return {
    region: region ?? (local ? 'us-east-1' : undefined),
    ...(local ? { endpoint } : {}),
    ...(local && !hasCredentials ? { credentials: LOCAL_STORE_CREDENTIALS } : {}),
  };
}

/** How long one call to a store may take: per attempt, to connect, and how many attempts. */
export interface CallLimits {
  /** One attempt, from sending the request to the end of the response. */
  attemptTimeoutMs: number;
  /** Opening the TCP (and TLS) connection of one attempt. */
  connectTimeoutMs: number;
  /** The first attempt included. */
  maxAttempts: number;
}

/**
 * The SDK settings that make `CallLimits` hold. Without `throwOnRequestTimeout` the SDK only logs a warning when
 * `requestTimeout` passes and keeps waiting; the retry mode is fixed to `standard` because `adaptive` (which
 * `AWS_RETRY_MODE` could select) may sleep before a first attempt, and that sleep ignores the abort signal.
 * Standard retries back off with jitter (~50 ms doubling; ~1 s doubling after throttling) and draw from a
 * per-client retry quota, so a container facing a long outage soon stops retrying and falls back at once.
 */
export function boundedCalls(limits: CallLimits) {
  return {
    maxAttempts: limits.maxAttempts,
    retryMode: 'standard',
    requestHandler: {
      connectionTimeout: limits.connectTimeoutMs,
      requestTimeout: limits.attemptTimeoutMs,
      throwOnRequestTimeout: true,
    },
  };
}

/** One set of per-attempt limits for each store a use reaches. */
export type StoreLimits = Record<'table' | 'fallback' | 'credentials', CallLimits>;

/**
 * The time limits of every AWS call the recorder makes, one set per use, all here:
 * - the answer path (`answerCallLimits`): inside the answer budget, each call also cut off by its share of the
 *   budget (deadline.ts), so these bound one attempt. They scale with the budget (at the default 5 s: table 1 s,
 *   fallback 1.5 s, password 800 ms per attempt); attempts are several, so a slow or throttled attempt is retried
 *   (standard mode: jittered back-off) while time is left, instead of being waited on.
 * - `scheduled`: the scheduled functions (replay, reconcile), where no answer waits but the Lambda's timeout does.
 * - `command`: an operator's command (`npm run replay`, `npm run records`), which may wait longer still.
 */
export function answerCallLimits(budgetMs: number): StoreLimits {
  return {
    table: { attemptTimeoutMs: budgetMs / 5, connectTimeoutMs: Math.min(budgetMs / 5, 500), maxAttempts: 3 },
    // Long enough for an S3 answering in 1.3 s at the default budget, short enough for a second attempt.
    fallback: { attemptTimeoutMs: budgetMs * 0.3, connectTimeoutMs: Math.min(budgetMs / 5, 500), maxAttempts: 5 },
    credentials: { attemptTimeoutMs: budgetMs * 0.16, connectTimeoutMs: Math.min(budgetMs / 10, 400), maxAttempts: 3 },
  };
}

export const CALL_LIMITS = {
  scheduled: {
    table: { attemptTimeoutMs: 3_000, connectTimeoutMs: 500, maxAttempts: 4 },
    fallback: { attemptTimeoutMs: 5_000, connectTimeoutMs: 500, maxAttempts: 3 },
    credentials: { attemptTimeoutMs: 2_000, connectTimeoutMs: 500, maxAttempts: 4 },
  },
  command: {
    table: { attemptTimeoutMs: 5_000, connectTimeoutMs: 1_000, maxAttempts: 4 },
    fallback: { attemptTimeoutMs: 10_000, connectTimeoutMs: 1_000, maxAttempts: 3 },
    credentials: { attemptTimeoutMs: 5_000, connectTimeoutMs: 1_000, maxAttempts: 4 },
  },
} as const satisfies Record<string, StoreLimits>;
