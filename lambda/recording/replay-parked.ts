/**
 * Replay: parked (and, after a schema fix, quarantined) callbacks re-driven into the table through the same steps
 * as a live one — parse, validate, toDisconnectRecord with the time the recorder first received it, conditional
 * put — so a replay is idempotent: a callback already in the table stays as it is. A parked copy is removed only
 * once the table holds its call; everything else stays in the bucket for the next run. Runs may overlap: a copy
 * another run stored and removed meanwhile counts as already present. Unverified callbacks are checked first
 * against the password (read through the same credentials as the live recorder): matching ones go on as parked
 * ones do (or to quarantine, when they fail validation), others are discarded, logged and counted.
 */
import { jsonParseProtectProto } from '@middy/util';
import type { CallbackCredentials } from '../adapters/callback-credentials.ts';
import type { DisconnectsTable } from '../adapters/disconnects-table.ts';
import type { ParkedCallback, ParkedCallbacks, ParkedKind } from '../adapters/parked-callbacks.ts';
import { presentedMatch } from '../adapters/presented-credentials.ts';
import { mayHoldLongNumber, parseJsonExactly } from '../domain/callback/exact-number.ts';
import { CallbackRefused, validateCallback } from '../domain/callback/validate.ts';
import { type DisconnectRecord, toDisconnectRecord } from '../domain/stored-record/disconnect-record.ts';
import { logger } from '../log/logger.ts';

export interface ReplayFailure {
  key: string;
  reason: string;
}

export interface ReplayReport {
  kind: ParkedKind;
  /** Stored by this run (and removed from the bucket). */
  replayed: number;
  /** The table already held the call (and the parked copy was removed, by this run or another). */
  alreadyPresent: number;
  /** Unverified only: credentials that did not match, so the callback was removed without being stored. */
  discarded?: number;
  /** Unverified only: verified, but refused by validation, so moved to quarantine. */
  quarantined?: number;
  /** Not stored: they stay in the bucket. */
  stillFailing: number;
  /** Why, for the first few still failing (and any stored copy that could not be removed). */
  failures: ReplayFailure[];
  /** Set when the run ended before the end of the listing: out of time, or a store still unavailable. */
  stopped?: ReplayStop;
}

export interface ReplayStop {
  because: 'time' | 'table' | 'bucket';
  detail: string;
}

export interface ReplayOptions {
  table: DisconnectsTable;
  parked: ParkedCallbacks;
  kind: ParkedKind;
  /** As the live recorder's RETENTION_DAYS, so a replayed record expires as it would have. */
  retentionDays?: number | undefined;
  /** Callbacks replayed at once. */
  concurrency?: number;
  /** Asked before each callback; false ends the run (a Lambda near its timeout). */
  canContinue?: () => boolean;
  /** After this many table failures in a row the table is taken as still down and the run ends. */
  maxTableFailuresInARow?: number;
  /** What unverified callbacks are checked against; without it they stay waiting. */
  credentials?: CallbackCredentials | undefined;
  /** How long one read of the password may take. */
  credentialsTimeLimitMs?: number;
}

/** The report lists this many failures; the counts cover all of them. */
const LISTED_FAILURES = 100;

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const listed = error instanceof CallbackRefused && error.problems.length > 0 ? `: ${error.problems.join('; ')}` : '';
  return `${error.message}${listed}`.slice(0, 1_000);
}

/**
 * The record a parked callback becomes: the same parse as the live body parser (prototype keys refused), the
 * same schema for its form, and the time the recorder first received it. Throws what the live recorder would
 * have answered 4xx.
 */
export function recordFromParked(parked: ParkedCallback, retentionDays?: number): DisconnectRecord {
  let value: unknown;
  try {
    value = jsonParseProtectProto(parked.input.body, undefined, 'replay');
    // No forbidden key: read again keeping every number's value, as the live parser does.
    if (mayHoldLongNumber(parked.input.body)) value = parseJsonExactly(parked.input.body);
  } catch (error) {
    throw new Error(`the body is not usable JSON: ${describe(error)}`);
  }
  const { callback, specDeviations } = validateCallback(value, parked.input.form);
  return toDisconnectRecord(callback, new Date(parked.receivedAt), retentionDays, specDeviations);
}

type Result =
  | { outcome: 'replayed' | 'alreadyPresent' | 'discarded' | 'quarantined'; notRemoved?: string }
  | { outcome: 'stillFailing'; reason: string; tableFailed: boolean };

/** Removes a copy that is done with; a failure only leaves it for the next run (which finds it done, too). */
async function removeDone(
  key: string,
  outcome: Exclude<Result['outcome'], 'stillFailing'>,
  options: ReplayOptions,
): Promise<Result> {
  try {
    await options.parked.remove(key);
    return { outcome };
  } catch (error) {
    return { outcome, notRemoved: `done, but the copy could not be removed: ${describe(error)}` };
  }
}

/** An unverified callback's credentials against the password: true, false, or why they cannot be checked yet. */
async function verified(parked: ParkedCallback, options: ReplayOptions): Promise<boolean | string> {
  if (parked.credentials === undefined) return false;
  if (options.credentials === undefined)
    return 'callback auth is not configured here, so the credentials cannot be checked';
  try {
    const accepted = await options.credentials.credentials(options.credentialsTimeLimitMs ?? 10_000);
    return await presentedMatch(parked.credentials, accepted);
  } catch (error) {
    return `the callback password cannot be read: ${describe(error)}`;
  }
}

async function replayOne(key: string, options: ReplayOptions): Promise<Result> {
  let record: DisconnectRecord;
  let parked: ParkedCallback | undefined;
  try {
    parked = await options.parked.read(key);
  } catch (error) {
    return { outcome: 'stillFailing', reason: describe(error), tableFailed: false };
  }
  // Gone: another run stored it and removed the copy meanwhile.
  if (parked === undefined) return { outcome: 'alreadyPresent' };
  if (parked.kind === 'unverified') {
    const check = await verified(parked, options);
    if (typeof check === 'string') return { outcome: 'stillFailing', reason: check, tableFailed: false };
    if (!check) {
      logger.warn('unverified callback discarded: its credentials do not match', {
        key,
        receivedAt: parked.receivedAt,
      });
      return removeDone(key, 'discarded', options);
    }
  }
  try {
    record = recordFromParked(parked, options.retentionDays);
  } catch (error) {
    if (parked.kind !== 'unverified') return { outcome: 'stillFailing', reason: describe(error), tableFailed: false };
    // Verified now, so kept as any authenticated callback that fails validation is: in quarantine.
    try {
      await options.parked.park({ ...parked, kind: 'quarantined', reason: describe(error), credentials: undefined });
    } catch (parkError) {
      return {
        outcome: 'stillFailing',
        reason: `could not be moved to quarantine: ${describe(parkError)}`,
        tableFailed: false,
      };
    }
    return removeDone(key, 'quarantined', options);
  }
  let outcome: Result['outcome'];
  try {
    outcome = (await options.table.putFirst(record)) === 'recorded' ? 'replayed' : 'alreadyPresent';
  } catch (error) {
    return { outcome: 'stillFailing', reason: `table: ${describe(error)}`, tableFailed: true };
  }
  // Stored, so nothing is lost if the removal fails: the next run finds it already present and removes it then.
  return removeDone(key, outcome, options);
}

/** Replays every callback of one kind waiting in the bucket and reports what became of them. */
export async function replayParked(options: ReplayOptions): Promise<ReplayReport> {
  const report: ReplayReport = {
    kind: options.kind,
    replayed: 0,
    alreadyPresent: 0,
    ...(options.kind === 'unverified' ? { discarded: 0, quarantined: 0 } : {}),
    stillFailing: 0,
    failures: [],
  };
  const maxTableFailures = options.maxTableFailuresInARow ?? 10;
  const keys = options.parked.keys(options.kind);
  let tableFailuresInARow = 0;
  let stopped: ReplayStop | undefined;
  const note = (failure: ReplayFailure) => {
    if (report.failures.length < LISTED_FAILURES) report.failures.push(failure);
  };

  const worker = async () => {
    while (stopped === undefined) {
      if (options.canContinue?.() === false) {
        stopped ??= { because: 'time', detail: 'out of time; the rest waits for the next run' };
        return;
      }
      let next: IteratorResult<string>;
      try {
        next = await keys.next();
      } catch (error) {
        stopped ??= { because: 'bucket', detail: `the bucket could not be listed: ${describe(error)}` };
        return;
      }
      if (next.done === true) return;
      const result = await replayOne(next.value, options);
      if (result.outcome === 'stillFailing') {
        report.stillFailing += 1;
        note({ key: next.value, reason: result.reason });
        tableFailuresInARow = result.tableFailed ? tableFailuresInARow + 1 : 0;
        if (tableFailuresInARow >= maxTableFailures) {
          stopped ??= {
            because: 'table',
            detail: `the table failed ${tableFailuresInARow} times in a row (${result.reason}); the rest waits for the next run`,
          };
        }
      } else {
        report[result.outcome] = (report[result.outcome] ?? 0) + 1;
        tableFailuresInARow = 0;
        if (result.notRemoved !== undefined) note({ key: next.value, reason: result.notRemoved });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 8) }, worker));
  await keys.return(undefined);
  if (stopped !== undefined) report.stopped = stopped;
  return report;
}
