/** The recorder's configuration, read once per container from the environment (see README, "Configuration"). */
export interface RecorderConfig {
  tableName: string;
  region: string | undefined;
  dynamoEndpoint: string | undefined;
  parkedBucket: string | undefined;
  s3Endpoint: string | undefined;
  /** Whole-answer time budget: the store, then the fallback, must finish within it. */
  answerBudgetMs: number;
  /** Bodies larger than this are answered 413 before they are parsed. */
  maxBodyBytes: number;
  /** When set, records get an `expiresAt` (epoch seconds) this many days after they end, for DynamoDB TTL. */
  retentionDays: number | undefined;
  auth: CallbackAuthConfig | undefined;
}

export type CallbackAuthConfig =
  | { username: string; password: string }
  /** The password lives in Secrets Manager (the secret's string) and is fetched at run time, cached. */
  | { username: string; passwordSecret: string }
  /** The password lives in SSM Parameter Store (SecureString) and is fetched at run time, cached. */
  | { username: string; passwordParameter: string };

export const DEFAULT_ANSWER_BUDGET_MS = 5_000;
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

type Env = Record<string, string | undefined>;

function positiveInteger(env: Env, name: string, fallback: number | undefined): number | undefined {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new Error(`${name} must be a positive integer, got ${JSON.stringify(text)}`);
  }
  return value;
}

function nonEmpty(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

const PASSWORD_VARIABLES = [
  'BANDWIDTH_CALLBACK_PASSWORD',
  'BANDWIDTH_CALLBACK_PASSWORD_SECRET',
  'BANDWIDTH_CALLBACK_PASSWORD_PARAMETER',
] as const;

/**
 * Auth is on when the username and a password source are set (the first of PASSWORD_VARIABLES wins), off when
 * none of them is. Anything in between is refused, so a typo can never leave the endpoint open.
 */
export function readCallbackAuth(env: Env = process.env): CallbackAuthConfig | undefined {
  const username = nonEmpty(env, 'BANDWIDTH_CALLBACK_USERNAME');
  const password = nonEmpty(env, 'BANDWIDTH_CALLBACK_PASSWORD');
  const passwordSecret = nonEmpty(env, 'BANDWIDTH_CALLBACK_PASSWORD_SECRET');
  const passwordParameter = nonEmpty(env, 'BANDWIDTH_CALLBACK_PASSWORD_PARAMETER');
  const anyPassword = password ?? passwordSecret ?? passwordParameter;
  if (username === undefined && anyPassword === undefined) return undefined;
  if (username === undefined) {
    const set = PASSWORD_VARIABLES.filter((name) => nonEmpty(env, name) !== undefined);
    throw new Error(
      `${set.join(' and ')} ${set.length === 1 ? 'is' : 'are'} set but BANDWIDTH_CALLBACK_USERNAME is not: ` +
        "set the username too to check callbacks' credentials, or unset the password to turn auth off",
    );
  }
  if (password !== undefined) return { username, password };
  if (passwordSecret !== undefined) return { username, passwordSecret };
  if (passwordParameter !== undefined) return { username, passwordParameter };
  throw new Error(
    `BANDWIDTH_CALLBACK_USERNAME is set but no password is: set one of ${PASSWORD_VARIABLES.join(', ')}, or unset the username`,
  );
}

export function readConfig(env: Env = process.env): RecorderConfig {
  const tableName = nonEmpty(env, 'DISCONNECTS_TABLE');
  if (tableName === undefined) throw new Error('DISCONNECTS_TABLE must name the DynamoDB table');
  return {
    tableName,
    region: nonEmpty(env, 'AWS_REGION'),
    dynamoEndpoint: nonEmpty(env, 'DYNAMODB_ENDPOINT'),
    parkedBucket: nonEmpty(env, 'PARKED_CALLBACKS_BUCKET'),
    s3Endpoint: nonEmpty(env, 'S3_ENDPOINT'),
    answerBudgetMs: positiveInteger(env, 'ANSWER_BUDGET_MS', DEFAULT_ANSWER_BUDGET_MS) ?? DEFAULT_ANSWER_BUDGET_MS,
    maxBodyBytes: positiveInteger(env, 'MAX_BODY_BYTES', DEFAULT_MAX_BODY_BYTES) ?? DEFAULT_MAX_BODY_BYTES,
    retentionDays: positiveInteger(env, 'RETENTION_DAYS', undefined),
    auth: readCallbackAuth(env),
  };
}
