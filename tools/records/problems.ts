/**
 * What can go wrong with a records command, each with its exit code (the codes every command shares, see
 * tools/cli), so scripts can tell a typo from an outage. The message says what happened and, where possible, what to do.
 */
import { awsProblem } from '../cli/aws-problems.ts';
import { EXIT as COMMAND_EXIT, CommandFailure, UsageError } from '../cli/failures.ts';

export const EXIT = {
  ok: COMMAND_EXIT.ok,
  /** `get`: no record for that callId. */
  notFound: COMMAND_EXIT.failed,
  /** Bad command, option or value. */
  usage: COMMAND_EXIT.usage,
  /** The table (or its endpoint, credentials, region) could not be used. */
  storeUnavailable: COMMAND_EXIT.unavailable,
} as const;

export type { ExitCode } from '../cli/failures.ts';
export { CommandFailure as RecordsProblem, UsageError as UsageProblem };

export class RecordNotFound extends CommandFailure {
  constructor(callId: string, where: string) {
    super(`no record for callId ${JSON.stringify(callId)} in ${where}`, EXIT.notFound);
  }
}

export class StoreUnavailable extends CommandFailure {
  constructor(message: string) {
    super(message, EXIT.storeUnavailable);
  }
}

/** An AWS SDK failure reading the table or bucket, in words that name the store and the likely fix (always exit 3). */
export function storeProblem(error: unknown, what: string, whenMissing?: string): StoreUnavailable {
  const reason = error instanceof Error ? error.message : String(error);
  // An index missing, or one keyed as an older serverless.yml had it (byParent on parentCallId, before legOf).
  if (/specified index|missed key schema element/i.test(reason)) {
    return new StoreUnavailable(
      `${what} lacks an index the records commands read (byDay on endedDay and endedAt, byParent on legOf): deploy the current serverless.yml (${reason})`,
    );
  }
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const name = (error as { name?: unknown }).name;
  // An answer the SDK could not read as DynamoDB's: most likely --endpoint names something else.
  if (status !== undefined && (name === 'Unknown' || name === 'UnknownError' || name === 'SyntaxError')) {
    return new StoreUnavailable(`${what} answered HTTP ${status}, not as DynamoDB does: is that a DynamoDB endpoint?`);
  }
  const problem = awsProblem(error, what, whenMissing);
  return new StoreUnavailable(
    problem.exitCode === EXIT.storeUnavailable ? problem.message : `${what} failed: ${reason}`,
  );
}
