/**
 * `npm run quarantine -- <command>`: look at what waits in the fallback bucket (quarantine/, parked/ and any other
 * kind the bucket adapter knows), show one object, discard what can never be replayed.
 */
import { createInterface } from 'node:readline/promises';
import type { ParkedKind } from '../../lambda/adapters/parked-callbacks.ts';
import { awsProblem } from '../cli/aws-problems.ts';
import { CommandFailure, EXIT, oneOf, parseCommandLine, UsageError } from '../cli/command-line.ts';
import { printable, renderTable, truncate } from '../records/text-table.ts';
import { parseTime } from '../records/time-range.ts';
import { type OpenBucket, openFallbackBucket } from './fallback-bucket.ts';
import {
  type Filter,
  formatAge,
  KINDS,
  kindOfKey,
  listWaiting,
  maskedEnvelope,
  readWaiting,
  type WaitingObject,
} from './waiting-objects.ts';

/** A question on the terminal (stderr, so stdout stays the command's output), its answer read from stdin. */
export async function askOnTerminal(question: string): Promise<string> {
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await prompt.question(question);
  } finally {
    prompt.close();
  }
}

export const QUARANTINE_USAGE = `Usage: npm run quarantine -- <command> [options]

Commands
  list                         what waits in the fallback bucket: kind, age, reason, callId, key
  show <key>                   one object's envelope (the callback as sent, phone numbers masked)
  discard <key>                delete one object, after confirmation
  discard --all [filters]      delete every object the filters match, after one confirmation

Filters (list, discard --all)
  --kind <kind>                ${KINDS.join(', ')} (repeat for several; default: quarantined)
  --older-than <time>          only objects received before it: an age (90m, 24h, 7d) or a time (2024-05-01)
  --reason <text>              only objects whose reason contains this text

Options
  --yes                        discard without asking (for scripts); without a terminal, discard needs it
  --full-numbers               show: the callback's phone numbers unmasked, the body exactly as stored
  --json                       list, show: JSON on stdout
  --stage <stage>              a deployed stage (its bucket is read from its CloudFormation stack); default local:
                               the handler's PARKED_CALLBACKS_BUCKET and S3_ENDPOINT when set, else the local stage
  --region <region>            the stage's AWS region (default: AWS_REGION or the profile's)
  --profile <profile>          the AWS profile to use (default: AWS_PROFILE or the default chain)
  --bucket <name>              this bucket instead
  -h, --help                   this help

Each discarded object is logged on stderr as one JSON line (key, kind, callId, reason).
Exit codes: 0 done, 1 no such object or a discard failed, 2 bad command, option or value (or no confirmation),
3 bucket or stack unreachable, or region, credentials or profile missing (see docs/commands.md).
`;

const OPTIONS = {
  kind: { type: 'string', multiple: true },
  'older-than': { type: 'string' },
  reason: { type: 'string' },
  all: { type: 'boolean' },
  yes: { type: 'boolean' },
  'full-numbers': { type: 'boolean' },
  json: { type: 'boolean' },
  stage: { type: 'string' },
  region: { type: 'string' },
  profile: { type: 'string' },
  bucket: { type: 'string' },
} as const;

export interface QuarantineIO {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** Asks the operator a question and gives the answer; undefined when there is no terminal to ask on. */
  ask: ((question: string) => Promise<string>) | undefined;
  now?: () => Date;
}

type Parsed = ReturnType<typeof parseOptions>;

function parseOptions(argv: readonly string[]) {
  return parseCommandLine(argv, OPTIONS, { positionals: true });
}

function filterOf(values: Parsed['values'], now: Date): Filter {
  const kinds = (values.kind ?? ['quarantined']).map((kind) => oneOf(kind, '--kind', KINDS));
  const olderThan = values['older-than'];
  return {
    kinds: [...new Set(kinds)],
    before: olderThan === undefined ? undefined : parseTime(olderThan, now, '--older-than'),
    reason: values.reason,
  };
}

function keyKind(key: string): ParkedKind {
  const kind = kindOfKey(key);
  if (kind === undefined)
    throw new UsageError(
      `${JSON.stringify(key)} is not a fallback-bucket key (it starts with the kind's prefix, e.g. quarantine/)`,
    );
  return kind;
}

function listView(objects: readonly WaitingObject[], now: Date, where: string): string {
  if (objects.length === 0) return `Nothing waiting in ${where} for these filters.\n`;
  const rows = objects.map((object) => [
    object.kind,
    formatAge(object.receivedAt, now),
    object.callId === undefined ? '-' : truncate(printable(object.callId), 48),
    truncate(printable(object.reason), 60),
    printable(object.key),
  ]);
  const lines = renderTable([['KIND', 'AGE', 'CALL ID', 'REASON', 'KEY'], ...rows], ['left', 'right']);
  const counts = KINDS.map((kind) => [kind, objects.filter((object) => object.kind === kind).length] as const).filter(
    ([, n]) => n > 0,
  );
  lines.push('', `${objects.length} waiting in ${where}: ${counts.map(([kind, n]) => `${n} ${kind}`).join(', ')}.`);
  return `${lines.join('\n')}\n`;
}

function jsonOf(object: WaitingObject, now: Date) {
  return {
    key: object.key,
    kind: object.kind,
    receivedAt: object.receivedAt ?? null,
    ageSeconds:
      object.receivedAt === undefined ? null : Math.round((now.getTime() - Date.parse(object.receivedAt)) / 1000),
    callId: object.callId ?? null,
    reason: object.reason,
  };
}

async function confirmed(io: QuarantineIO, question: string, yes: boolean): Promise<boolean> {
  if (yes) return true;
  if (io.ask === undefined) throw new UsageError('no terminal to confirm on: pass --yes to discard');
  const answer = await io.ask(`${question} [y/N] `);
  return /^y(es)?$/i.test(answer.trim());
}

async function discard(bucket: OpenBucket, objects: readonly WaitingObject[], io: QuarantineIO): Promise<number> {
  let failed = 0;
  for (const object of objects) {
    try {
      await bucket.parked.remove(object.key);
    } catch (error) {
      failed += 1;
      io.stderr.write(
        `quarantine: could not discard ${object.key}: ${awsProblem(error, `bucket ${bucket.parked.bucket}`).message}\n`,
      );
      continue;
    }
    // The log of what was thrown away: enough to find the call again in Bandwidth's records, no phone numbers.
    io.stderr.write(
      `${JSON.stringify({
        level: 'INFO',
        message: 'discarded from the fallback bucket',
        bucket: bucket.parked.bucket,
        key: object.key,
        kind: object.kind,
        callId: object.callId ?? null,
        reason: object.reason,
      })}\n`,
    );
  }
  return failed;
}

async function run(command: string, parsed: Parsed, bucket: OpenBucket, io: QuarantineIO, now: Date): Promise<number> {
  const { values, positionals } = parsed;
  const key = positionals[1];
  if (command === 'list') {
    const objects = await listWaiting(bucket.parked, filterOf(values, now));
    io.stdout.write(
      values.json === true
        ? `${JSON.stringify(
            objects.map((object) => jsonOf(object, now)),
            null,
            2,
          )}\n`
        : listView(objects, now, bucket.description),
    );
    return EXIT.ok;
  }
  if (command === 'show') {
    const object = await readOne(bucket, key ?? '');
    const envelope =
      object.envelope === undefined || values['full-numbers'] === true
        ? object.envelope
        : maskedEnvelope(object.envelope);
    if (envelope === undefined) {
      io.stdout.write(
        values.json === true
          ? `${JSON.stringify(jsonOf(object, now), null, 2)}\n`
          : `${object.key}\n${object.reason}\n`,
      );
      return EXIT.ok;
    }
    io.stdout.write(`${JSON.stringify(values.json === true ? { key: object.key, ...envelope } : envelope, null, 2)}\n`);
    return EXIT.ok;
  }
  const objects =
    key === undefined ? await listWaiting(bucket.parked, filterOf(values, now)) : [await readOne(bucket, key)];
  if (objects.length === 0) {
    io.stdout.write(`Nothing to discard in ${bucket.description} for these filters.\n`);
    return EXIT.ok;
  }
  const what =
    objects.length === 1
      ? (objects[0]?.key ?? '')
      : `${objects.length} objects (${[...new Set(objects.map((o) => o.kind))].join(', ')})`;
  if (
    !(await confirmed(
      io,
      `Discard ${what} from ${bucket.description}? It cannot be replayed afterwards.`,
      values.yes === true,
    ))
  ) {
    io.stdout.write('Nothing discarded.\n');
    return EXIT.ok;
  }
  const failed = await discard(bucket, objects, io);
  io.stdout.write(`Discarded ${objects.length - failed} of ${objects.length}.\n`);
  return failed === 0 ? EXIT.ok : EXIT.failed;
}

async function readOne(bucket: OpenBucket, key: string): Promise<WaitingObject> {
  let object: WaitingObject | undefined;
  try {
    object = await readWaiting(bucket.parked, key, keyKind(key));
  } catch (error) {
    throw awsProblem(error, bucket.description);
  }
  if (object === undefined) throw new CommandFailure(`no object ${key} in ${bucket.description}`, EXIT.failed);
  return object;
}

/** Checks the whole command line before opening anything, then runs one command. */
export async function runQuarantine(argv: readonly string[], io: QuarantineIO): Promise<number> {
  const parsed = parseOptions(argv);
  const { values, positionals } = parsed;
  const [command, key, extra] = positionals;
  if (command === undefined) throw new UsageError('which command? list, show or discard');
  if (command !== 'list' && command !== 'show' && command !== 'discard') {
    throw new UsageError(`unknown command ${JSON.stringify(command)}: use list, show or discard`);
  }
  if (extra !== undefined || (command === 'list' && key !== undefined))
    throw new UsageError(`unexpected argument ${JSON.stringify(extra ?? key)}`);
  if (command === 'show' && key === undefined) throw new UsageError('show takes one key: quarantine show <key>');
  if (command === 'discard' && (key === undefined) === (values.all !== true)) {
    throw new UsageError('discard takes one key, or --all with filters');
  }
  const filtering = values.kind !== undefined || values['older-than'] !== undefined || values.reason !== undefined;
  if (key !== undefined && filtering)
    throw new UsageError('--kind, --older-than and --reason filter a listing, not one key');
  if (command !== 'discard' && (values.all === true || values.yes === true))
    throw new UsageError(`${command} does not take --all or --yes`);
  if (command !== 'show' && values['full-numbers'] === true) throw new UsageError('--full-numbers is for show');
  const now = io.now?.() ?? new Date();
  if (key === undefined) filterOf(values, now);
  else keyKind(key);

  if (values.profile !== undefined) process.env['AWS_PROFILE'] = values.profile;
  const bucket = await openFallbackBucket({ stage: values.stage, region: values.region, bucket: values.bucket });
  try {
    return await run(command, parsed, bucket, io, now);
  } catch (error) {
    throw awsProblem(error, bucket.description);
  } finally {
    await bucket.close();
  }
}
