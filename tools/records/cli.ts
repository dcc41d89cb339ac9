/**
 * `npm run records -- <command>`: read back what the recorder stored. Parses the command line, opens the stores,
 * runs one command and says how it went as an exit code (see problems.ts).
 */
import type { ParseArgsConfig } from 'node:util';
import { DOCUMENTED_CAUSES } from '../../lambda/domain/callback/validate.ts';
import { HelpRequested, oneOf, parseCommandLine, positiveInteger } from '../cli/command-line.ts';
import { decodeCursor, type ListRequest, listRecords } from './listing.ts';
import { EXIT, type ExitCode, RecordNotFound, RecordsProblem, UsageProblem } from './problems.ts';
import { type ProgressOutput, progressLine } from './progress.ts';
import { REPORT_ATTRIBUTES, ReportTally } from './report.ts';
import { type LocalStage, type OpenStores, openStores } from './stores.ts';
import { parseRange, type TimeRange } from './time-range.ts';
import { csvListing, viewListing, viewRecord, viewReport } from './views.ts';

export interface RecordsIO {
  stdout: { write(text: string): unknown };
  stderr: ProgressOutput;
  now?: () => Date;
  /** Where the local stage lives (the tests move it off the real ports and folder). */
  local?: LocalStage;
}

export const USAGE = `Usage: npm run records -- <command> [options]

Commands
  get <callId>                 the stored record of one call, with its transfer legs (a leg: with its call)
  list                         records that ended in a time range, newest first, a page at a time
  report                       calls and transfer legs counted apart: by cause, direction, answered, durations,
                               errors, replay backlog

Time range (list, report): calls that ended at or after --from and before --to
  --from <time>                default: 24 hours before --to
  --to <time>                  default: now
                               a time is 2024-05-01 (midnight UTC), 2024-05-01T13:00:00Z, now,
                               today or yesterday (midnight UTC), or an age: 90m, 24h, 7d, 2w

list
  --cause <cause>              only this cause (repeat for several)
  --direction <direction>      only inbound or outbound calls (other values are refused)
  --limit <n>                  records per page (default 100); the footer gives the --cursor of the next page
  --cursor <cursor>            continue a listing (same --from, --to and filters)
  --all                        every record in the range, no pages
  --csv                        CSV on stdout (RFC 4180, a header row of field names), for spreadsheets
                               a --cause Bandwidth does not document that matches nothing gets a note on stderr

report
  --top <n>                    how many error messages to show (default 10)

Stores (default: the handler's environment when DISCONNECTS_TABLE is set, else the local stage's, under .local/)
  --stage <stage>              a deployed stage (its stack's outputs name the table and bucket), or local
  --region <region>            its AWS region (default: AWS_REGION or the profile's)
  --profile <profile>          the AWS profile to use (default: AWS_PROFILE or the default chain)
  --endpoint <url>             a DynamoDB-compatible endpoint instead (dynalite, DynamoDB Local, LocalStack)
  --table <name>               this table instead of the stage's
  --bucket <name>              this fallback bucket instead of the stage's
  --s3-endpoint <url>          an S3-compatible endpoint for --bucket

Output
  --json                       JSON on stdout, for scripts
  -h, --help                   this help

Exit codes: 0 done, 1 no record for that callId, 2 bad command or option, 3 store unreachable or unusable
(see docs/commands.md).
`;

const OPTIONS = {
  stage: { type: 'string' },
  region: { type: 'string' },
  profile: { type: 'string' },
  endpoint: { type: 'string' },
  table: { type: 'string' },
  bucket: { type: 'string' },
  's3-endpoint': { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  cause: { type: 'string', multiple: true },
  direction: { type: 'string' },
  limit: { type: 'string' },
  cursor: { type: 'string' },
  all: { type: 'boolean' },
  top: { type: 'string' },
  json: { type: 'boolean' },
  csv: { type: 'boolean' },
} as const satisfies ParseArgsConfig['options'];

type OptionName = keyof typeof OPTIONS;
type Command = 'get' | 'list' | 'report';

const STORE_OPTIONS: OptionName[] = [
  'stage',
  'region',
  'profile',
  'endpoint',
  'table',
  'bucket',
  's3-endpoint',
  'json',
];
const COMMAND_OPTIONS: Record<Command, ReadonlySet<OptionName>> = {
  get: new Set(STORE_OPTIONS),
  list: new Set([...STORE_OPTIONS, 'from', 'to', 'cause', 'direction', 'limit', 'cursor', 'all', 'csv']),
  report: new Set([...STORE_OPTIONS, 'from', 'to', 'top']),
};

const DEFAULT_LIMIT = 100;
const DEFAULT_TOP = 10;
// DynamoDB's IN takes at most 100 operands.
const MAX_CAUSES = 100;

function parse(argv: readonly string[]) {
  return parseCommandLine(argv, OPTIONS, { positionals: true });
}

const DIRECTIONS = ['inbound', 'outbound'] as const;

function nonEmpty(text: string | undefined, option: string): string | undefined {
  if (text !== undefined && text.trim() === '') throw new UsageProblem(`${option} must not be empty`);
  return text;
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

type Parsed = ReturnType<typeof parse>;

/** What to do, fully checked: every usage error is found before a store is opened. */
type Request =
  | { command: 'get'; json: boolean; callId: string }
  | { command: 'list'; json: boolean; csv: boolean; list: ListRequest }
  | { command: 'report'; json: boolean; range: TimeRange; top: number };

function request(command: Command, { values, positionals }: Parsed, now: Date): Request {
  const wantsJson = values.json === true;
  if (command === 'get') {
    const callId = positionals[1];
    if (callId === undefined || positionals.length > 2)
      throw new UsageProblem('get takes one callId: records get <callId>');
    return { command, json: wantsJson, callId };
  }
  if (positionals.length > 1)
    throw new UsageProblem(`${command} takes no arguments, got ${JSON.stringify(positionals[1])}`);
  const range = parseRange(nonEmpty(values.from, '--from'), nonEmpty(values.to, '--to'), now);
  if (command === 'report')
    return { command, json: wantsJson, range, top: positiveInteger(values.top, '--top', DEFAULT_TOP) };

  if (values.all === true && (values.limit !== undefined || values.cursor !== undefined)) {
    throw new UsageProblem('--all lists every record: it takes no --limit or --cursor');
  }
  const causes = values.cause ?? [];
  for (const cause of causes) nonEmpty(cause, '--cause');
  if (causes.length > MAX_CAUSES) throw new UsageProblem(`at most ${MAX_CAUSES} --cause options`);
  const cursor = nonEmpty(values.cursor, '--cursor');
  if (wantsJson && values.csv === true) throw new UsageProblem('choose one of --json and --csv');
  const direction = values.direction === undefined ? undefined : oneOf(values.direction, '--direction', DIRECTIONS);
  return {
    command,
    json: wantsJson,
    csv: values.csv === true,
    list: {
      range,
      filter: { causes, direction },
      limit: values.all === true ? undefined : positiveInteger(values.limit, '--limit', DEFAULT_LIMIT),
      startAfter: cursor === undefined ? undefined : decodeCursor(cursor, range),
    },
  };
}

/** A cause Bandwidth does not document that matched nothing is most likely a typo: say so, the listing stays as it is. */
function noteUnknownCauses(
  causes: readonly string[],
  records: readonly Record<string, unknown>[],
  stderr: ProgressOutput,
): void {
  for (const cause of causes) {
    if (DOCUMENTED_CAUSES.has(cause) || records.some((record) => record['cause'] === cause)) continue;
    stderr.write(
      `records: note: no record listed has cause ${JSON.stringify(cause)}, which Bandwidth does not document (${[...DOCUMENTED_CAUSES].join(', ')})\n`,
    );
  }
}

async function run(request: Request, stores: OpenStores, io: RecordsIO): Promise<void> {
  if (request.command === 'get') {
    const tree = await stores.table.tree(request.callId);
    if (tree === undefined) throw new RecordNotFound(request.callId, stores.table.description);
    io.stdout.write(
      request.json
        ? json({
            record: tree.record,
            parent:
              tree.parent === undefined ? null : { callId: tree.parent.callId, record: tree.parent.record ?? null },
            legs: tree.legs,
          })
        : viewRecord(tree.record, tree),
    );
    return;
  }
  const progress = progressLine(io.stderr);
  try {
    if (request.command === 'list') {
      const { range, filter } = request.list;
      const listing = await listRecords(stores.table, request.list, progress.update);
      progress.done();
      noteUnknownCauses(filter.causes ?? [], listing.records, io.stderr);
      // CSV rows only on stdout: where the next page starts goes beside them.
      if (request.csv && listing.next !== undefined)
        io.stderr.write(`records: more records: add --cursor ${listing.next}\n`);
      io.stdout.write(
        request.csv
          ? csvListing(listing)
          : request.json
            ? json({
                from: range.from.toISOString(),
                to: range.to.toISOString(),
                filter: { causes: filter.causes ?? [], direction: filter.direction ?? null },
                count: listing.records.length,
                records: listing.records,
                next: listing.next ?? null,
              })
            : viewListing(listing, range),
      );
      return;
    }
    const tally = new ReportTally();
    // The bucket is listed while the table is read: two independent stores, no reason to wait for one.
    const waiting = stores.waiting();
    for await (const record of stores.table.allInRange(request.range, {
      onPage: progress.update,
      projection: REPORT_ATTRIBUTES,
    })) {
      tally.add(record);
    }
    const report = tally.report(request.range, await waiting, request.top);
    progress.done();
    io.stdout.write(request.json ? json(report) : viewReport(report));
  } finally {
    progress.done();
  }
}

export async function runRecords(argv: readonly string[], io: RecordsIO): Promise<ExitCode> {
  let stores: OpenStores | undefined;
  try {
    const parsed = parse(argv);
    const command = parsed.positionals[0];
    if (command === 'help') throw new HelpRequested();
    if (command === undefined) throw new UsageProblem('which command? get, list or report');
    if (command !== 'get' && command !== 'list' && command !== 'report') {
      throw new UsageProblem(`unknown command ${JSON.stringify(command)}: use get, list or report`);
    }
    const allowed = COMMAND_OPTIONS[command];
    const misplaced = (Object.keys(parsed.values) as OptionName[]).filter((name) => !allowed.has(name));
    if (misplaced.length > 0) {
      throw new UsageProblem(`${command} does not take ${misplaced.map((name) => `--${name}`).join(', ')}`);
    }
    const todo = request(command, parsed, io.now?.() ?? new Date());
    const { values } = parsed;
    const profile = nonEmpty(values.profile, '--profile');
    // The SDK's default chain reads AWS_PROFILE for credentials and region alike, for every client built after.
    if (profile !== undefined) process.env['AWS_PROFILE'] = profile;
    stores = await openStores(
      {
        stage: nonEmpty(values.stage, '--stage'),
        region: nonEmpty(values.region, '--region'),
        endpoint: nonEmpty(values.endpoint, '--endpoint'),
        table: nonEmpty(values.table, '--table'),
        bucket: nonEmpty(values.bucket, '--bucket'),
        s3Endpoint: nonEmpty(values['s3-endpoint'], '--s3-endpoint'),
      },
      io.local,
    );
    await run(todo, stores, io);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof HelpRequested) {
      io.stdout.write(USAGE);
      return EXIT.ok;
    }
    if (!(error instanceof RecordsProblem)) throw error;
    const hint = error instanceof UsageProblem ? ' (npm run records -- --help)' : '';
    io.stderr.write(`records: ${error.message}${hint}\n`);
    return error.exitCode;
  } finally {
    await stores?.close();
  }
}
