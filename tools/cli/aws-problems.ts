/** AWS SDK, Bandwidth API and network failures in words that name what failed and the likely fix (exit 3), for every command. */

import { BandwidthApiError } from '../../lambda/adapters/bandwidth-token.ts';
import { reasonOf as reasonInLogs } from '../../lambda/log/reason.ts';
import { CommandFailure, EXIT } from './failures.ts';

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, name, cause } = error as { code?: unknown; name?: unknown; cause?: unknown };
  if (typeof code === 'string') return code;
  // fetch() says only "fetch failed"; the network error is its cause.
  if (typeof cause === 'object' && cause !== null && typeof (cause as { code?: unknown }).code === 'string')
    return codeOf(cause);
  return typeof name === 'string' ? name : undefined;
}

const unavailable = (message: string) => new CommandFailure(message, EXIT.unavailable);

/**
 * `what` names the store or API ("table x (stage prod)"); `whenMissing` says what to do when it does not exist.
 * Any other error is a plain failure (exit 1), its message kept.
 */
export function awsProblem(error: unknown, what?: string, whenMissing?: string): CommandFailure {
  if (error instanceof CommandFailure) return error;
  // Bandwidth's API, already in an operator's words: unreachable or refused credentials mean it cannot be used.
  if (error instanceof BandwidthApiError) {
    return new CommandFailure(error.message, error.failure === 'answer' ? EXIT.failed : EXIT.unavailable);
  }
  const reason = reasonOf(error);
  const of = what === undefined ? '' : ` for ${what}`;
  const profile = process.env['AWS_PROFILE'];
  const noCredentials = () =>
    unavailable(
      profile === undefined || profile === ''
        ? `no AWS credentials${of}: pass --profile or set AWS_PROFILE (${reason})`
        : `no AWS credentials${of} from profile ${JSON.stringify(profile)}: check it in ~/.aws/config, or pass another --profile (${reason})`,
    );
  what ??= 'the store or API';
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
      return unavailable(`cannot reach ${what}: ${reason}`);
    case 'EADDRINUSE':
      return unavailable(
        `${reason}: another process holds a local store's port (LOCAL_DYNAMODB_PORT, LOCAL_S3_PORT move them)`,
      );
    case 'ResourceNotFoundException':
    case 'NoSuchBucket':
      return unavailable(`${what} does not exist${whenMissing === undefined ? '' : `: ${whenMissing}`}`);
    case 'CredentialsProviderError':
      return noCredentials();
    case 'AccessDeniedException':
    case 'AccessDenied':
    case 'UnrecognizedClientException':
    case 'InvalidAccessKeyId':
    case 'InvalidClientTokenId':
    case 'ExpiredTokenException':
    case 'ExpiredToken':
      return unavailable(`${what} refused access: ${reason} (check --profile / AWS_PROFILE and its permissions)`);
    default: {
      // An answer the SDK could not read: no error type, or a body that is not even JSON.
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status !== undefined && /^(Unknown|UnknownError|SyntaxError)$/.test(codeOf(error) ?? '')) {
        return unavailable(`${what} answered HTTP ${status}, not as AWS does: is that the right endpoint?`);
      }
      if (/region is missing|region not accepted/i.test(reason))
        return unavailable(`no AWS region${of}: pass --region or set AWS_REGION`);
      // CloudFormation says so of a stack that is not deployed there (a ValidationError).
      if (/stack with id .* does not exist/i.test(reason)) {
        return unavailable(
          `${reason}${whenMissing === undefined ? ': is the stage deployed in this region and account? (--stage, --region, --profile)' : `: ${whenMissing}`}`,
        );
      }
      if (/could not load credentials|could not resolve credentials|profile .* could not be found/i.test(reason))
        return noCredentials();
      return new CommandFailure(reason, EXIT.failed);
    }
  }
}

/** An error in an operator's words: its message and its cause's, without the SDK's exception name. */
export const reasonOf = (error: unknown): string => reasonInLogs(error, { withName: false });
