/**
 * What can go wrong with a records command, each with its exit code, so scripts can tell a typo from an outage.
 * The message is for people: it says what happened and, where possible, what to do.
 */
export const EXIT = {
  ok: 0,
  /** `get`: no record for that callId. */
  notFound: 1,
  /** Bad command, option or value. */
  usage: 2,
  /** The table (or its endpoint, credentials, region) could not be used. */
  storeUnavailable: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class RecordsProblem extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class UsageProblem extends RecordsProblem {
  constructor(message: string) {
    super(message, EXIT.usage);
  }
}

export class RecordNotFound extends RecordsProblem {
  constructor(callId: string, where: string) {
    super(`no record for callId ${JSON.stringify(callId)} in ${where}`, EXIT.notFound);
  }
}

export class StoreUnavailable extends RecordsProblem {
  constructor(message: string) {
    super(message, EXIT.storeUnavailable);
  }
}

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, name } = error as { code?: unknown; name?: unknown };
  if (typeof code === 'string') return code;
  return typeof name === 'string' ? name : undefined;
}

/** An AWS SDK failure, in words that name the store and the likely fix. */
export function storeProblem(error: unknown, what: string, whenMissing?: string): StoreUnavailable {
  const reason = error instanceof Error ? error.message : String(error);
  switch (codeOf(error)) {
    case 'ECONNREFUSED':
    case 'ECONNRESET':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'ETIMEDOUT':
    case 'TimeoutError':
    case 'RequestTimeout':
      return new StoreUnavailable(`cannot reach ${what}: ${reason}`);
    case 'ResourceNotFoundException':
      return new StoreUnavailable(`${what} does not exist${whenMissing === undefined ? '' : `: ${whenMissing}`}`);
    case 'CredentialsProviderError':
      return new StoreUnavailable(`no AWS credentials for ${what}: pass --profile or set AWS_PROFILE (${reason})`);
    case 'AccessDeniedException':
    case 'UnrecognizedClientException':
    case 'ExpiredTokenException':
      return new StoreUnavailable(`${what} refused access: ${reason}`);
    // An answer the SDK could not read as DynamoDB's: no error type, or a body that is not even JSON.
    case 'Unknown':
    case 'UnknownError':
    case 'SyntaxError': {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === undefined) return new StoreUnavailable(`${what} failed: ${reason}`);
      return new StoreUnavailable(`${what} answered HTTP ${status}, not as DynamoDB does: is that a DynamoDB endpoint?`);
    }
    default:
      if (/specified index/i.test(reason)) {
        return new StoreUnavailable(`${what} has no byDay index: deploy the current serverless.yml (${reason})`);
      }
      if (/region is missing/i.test(reason)) {
        return new StoreUnavailable(`no AWS region for ${what}: pass --region or set AWS_REGION`);
      }
      return new StoreUnavailable(`${what} failed: ${reason}`);
  }
}
