/**
 * One JSON object per line, as Powertools Logger printed them (`level`, `message`, `timestamp`, `service`,
 * `xray_trace_id`, then the attributes): INFO/DEBUG to stdout, WARN/ERROR to stderr, written directly so Lambda
 * neither prefixes nor re-wraps them in either log format. Hand-written because the benchmark measured the
 * libraries' price (docs/performance.md): Powertools Logger ~6.5 ms of module init (most of the recorder's 10%
 * init budget over a bare handler) and ~2x the CPU per line; pino ~10 ms of init. This costs ~0 at init and one
 * JSON.stringify, one masking pass (phone numbers, maskPhoneNumber) and one write per line.
 */

import { AsyncLocalStorage } from 'node:async_hooks';

type Attributes = Readonly<Record<string, unknown>>;

/** Powertools' level names and thresholds, so the same settings keep working. */
const THRESHOLDS = { TRACE: 6, DEBUG: 8, INFO: 12, WARN: 16, ERROR: 20, CRITICAL: 24, SILENT: 28 } as const;

function isLevelName(name: string): name is keyof typeof THRESHOLDS {
  return Object.hasOwn(THRESHOLDS, name);
}

function setting(name: string): string | undefined {
  const value = process.env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/**
 * Read once per container. Lambda's own level (advanced logging controls) first, then Powertools' and the
 * generic variable, as Powertools did; INFO when none is set or the name is unknown.
 */
function threshold(): number {
  const name = (
    setting('AWS_LAMBDA_LOG_LEVEL') ??
    setting('POWERTOOLS_LOG_LEVEL') ??
    setting('LOG_LEVEL')
  )?.toUpperCase();
  return name !== undefined && isLevelName(name) ? THRESHOLDS[name] : THRESHOLDS.INFO;
}

const SERVICE = setting('POWERTOOLS_SERVICE_NAME') ?? 'bandwidth-disconnect-recorder';
const minimum = threshold();

let lastTraceHeader: string | undefined;
let lastTraceRoot: string | undefined;

/**
 * The Root of the X-Ray header Lambda sets for each invocation, for correlating the lines of one request. Parsed
 * once per header value: an invocation's lines share it.
 */
function traceId(): string | undefined {
  const header = process.env['_X_AMZN_TRACE_ID'];
  if (header !== lastTraceHeader) {
    lastTraceHeader = header;
    lastTraceRoot = header === undefined ? undefined : (/Root=([^;]+)/.exec(header)?.[1] ?? header);
  }
  return lastTraceRoot;
}

/** What joins an invocation's lines to Lambda's REPORT line and to the HTTP API's access log. */
export interface InvocationIds {
  /** The Lambda context's awsRequestId (`@requestId` of the REPORT line). */
  awsRequestId: string;
  /** API Gateway's requestContext.requestId (`requestId` of the access log), for callbacks. */
  apiRequestId?: string | undefined;
}

type InvocationFields = InvocationIds & { coldStart: boolean };

// AsyncLocalStorage rather than passing the ids down: every layer logs, and tests run invocations concurrently in
// one process; it measured ~1 µs per invocation on Node 24 (docs/performance.md).
const invocation = new AsyncLocalStorage<InvocationFields>();
let coldStart = true;

/**
 * Runs one invocation with its ids (and whether it is the container's first) on every line it logs; nothing of it
 * outlives the invocation.
 */
export function inInvocation<T>(ids: InvocationIds, run: () => T): T {
  const fields: InvocationFields = { ...ids, coldStart };
  coldStart = false;
  return invocation.run(fields, run);
}

function errorFields(error: Error): Record<string, unknown> {
  return {
    name: error.name,
    message: error.message,
    stack: error.stack,
    ...(error.cause === undefined
      ? {}
      : { cause: error.cause instanceof Error ? errorFields(error.cause) : error.cause }),
  };
}

/** For what plain JSON.stringify refuses: BigInt values and circular references. */
function safeReplacer(): (key: string, value: unknown) => unknown {
  const seen = new WeakSet<object>();
  return (_key, value) => {
    if (typeof value === 'bigint') return value.toString();
    if (value instanceof Error) return errorFields(value);
    if (typeof value === 'object' && value !== null) {
      if (seen.has(value)) return '[Circular]';
      seen.add(value);
    }
    return value;
  };
}

function write(level: 'INFO' | 'WARN' | 'ERROR', stream: NodeJS.WriteStream, message: string, attributes?: Attributes) {
  if (THRESHOLDS[level] < minimum) return;
  const entry: Record<string, unknown> = {
    level,
    message,
    timestamp: new Date().toISOString(),
    service: SERVICE,
    xray_trace_id: traceId(),
    ...invocation.getStore(),
  };
  // One pass: attributes cannot replace the line's own level and message; Errors would print as {} (their fields
  // are not enumerable), and only top-level ones are ever logged here.
  for (const key in attributes) {
    if (key === 'level' || key === 'message') continue;
    const value = attributes[key];
    entry[key] = value instanceof Error ? errorFields(value) : value;
  }
  let line: string;
  try {
    line = JSON.stringify(entry);
  } catch {
    line = JSON.stringify(entry, safeReplacer());
  }
  stream.write(`${maskLine(line)}\n`);
}

export interface Logger {
  info(message: string, attributes?: Attributes): void;
  warn(message: string, attributes?: Attributes): void;
  error(message: string, attributes?: Attributes): void;
}

/** One logger per container; the level is read when it loads (POWERTOOLS_LOG_LEVEL / LOG_LEVEL, default INFO). */
export const logger: Logger = {
  info: (message, attributes) => write('INFO', process.stdout, message, attributes),
  warn: (message, attributes) => write('WARN', process.stderr, message, attributes),
  error: (message, attributes) => write('ERROR', process.stderr, message, attributes),
};

/**
 * What may be a phone number in any common spelling: E.164, digits grouped by spaces, dots or dashes, an area code
 * in parentheses, inside `tel:` and `sip:` URIs. One pass over the whole serialised line (cheaper than walking its
 * attributes, measured in docs/performance.md); maskAt then leaves alone what is part of an id and JSON's own numbers.
 */
const CANDIDATE = /\+?\(?\d[\d ().-]{5,}\d/g;
/** A candidate touching one of these is part of a longer word or dashed id (call ids, trace ids, hex, times). */
const ID_CHAR = /[\w.-]/;
const BARE_NUMBER = /^\d+$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function maskDigits(spelled: string): string {
  const digits = spelled.replace(/\D/g, '');
  if (digits.length < 7 || DATE.test(spelled)) return spelled;
  // At least 3 digits hidden, the last 4 shown: +1 (555) 111-2222 → +1555***2222.
  const head = Math.min(4, digits.length - 7);
  return `${spelled.startsWith('+') ? '+' : ''}${digits.slice(0, head)}***${digits.slice(-4)}`;
}

/** `before` and `after`: the characters next to the candidate, undefined at either end of the text. */
function maskBetween(candidate: string, before: string | undefined, after: string | undefined): string {
  if ((before !== undefined && ID_CHAR.test(before)) || (after !== undefined && ID_CHAR.test(after))) return candidate;
  // A JSON number of the line (`"expiresAt":1790000000,`): masking it would break the line; numbers sent as
  // numbers are masked as text by maskPhoneNumber where they are logged.
  const bare =
    (before === ':' || before === ',' || before === '[') && (after === ',' || after === '}' || after === ']');
  if (bare && BARE_NUMBER.test(candidate)) return candidate;
  return maskDigits(candidate);
}

function maskAt(candidate: string, offset: number, text: string): string {
  return maskBetween(candidate, text[offset - 1], text[offset + candidate.length]);
}

function maskText(text: string): string {
  return text.replace(CANDIDATE, maskAt);
}

/**
 * In a serialised line an escape (`\n`, `\u0001`, `\\`) is one character of the text: it is skipped whole, so its
 * letter or hex digits never make the number after it look like part of a word. What it stands for is never a
 * word character, so a number right after it is masked as maskPhoneNumber masks it in the text itself.
 */
const LINE_CANDIDATE = /\\(?:u[\da-fA-F]{4}|.)|\+?\(?\d[\d ().-]{5,}\d/g;
let escapeEnd = -1;

function maskInLine(match: string, offset: number, line: string): string {
  if (match.startsWith('\\')) {
    escapeEnd = offset + match.length;
    return match;
  }
  // Right after an escape, what comes before is the escaped character (a line break, a quote...), never a word's.
  return maskBetween(match, offset === escapeEnd ? undefined : line[offset - 1], line[offset + match.length]);
}

function maskLine(line: string): string {
  escapeEnd = -1;
  return line.replace(LINE_CANDIDATE, maskInLine);
}

/**
 * Phone numbers never reach the logs whole: `+15552222222` → `+1555***2222`, also spelled with spaces, dashes,
 * dots or parentheses and inside `tel:`/`sip:` URIs; a number sent as a JSON number is masked as text. Names such as
 * `Anonymous` carry no number and stay as they are. (Every line is masked again as it is written.)
 */
export function maskPhoneNumber(value: unknown): unknown {
  if (typeof value === 'number' && Number.isInteger(value)) {
    const masked = maskDigits(String(value));
    return masked === String(value) ? value : masked;
  }
  return typeof value === 'string' ? maskText(value) : value;
}

/** The callback fields that hold phone numbers: a call's (`from`, `to`) and a transfer leg's own (`transferCallerId`, `transferTo`). */
export const PHONE_NUMBER_FIELDS = ['from', 'to', 'transferCallerId', 'transferTo'] as const;
