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

/** What may separate the digits of a phone number: spaces (no-break and narrow ones too), dots, parentheses, dashes
 * (hyphen, en and em dash, minus sign), `/`, and in a serialised line the escapes `\t`, `\n`, `\r`. */
const SEPARATOR = String.raw`(?:[ ().\-/\u00A0\u2000-\u200B\u202F\u205F\u3000\u2010-\u2015\u2212]|\\[tnr])`;
/** Seven digits or more, a separator run of up to three between any two: in any spelling, touching anything. */
const PHONE = String.raw`\+?\(?\d(?:${SEPARATOR}{0,3}\d){6,}`;
const CANDIDATE = new RegExp(PHONE, 'g');
/**
 * What a candidate may be besides a phone number, checked only for a candidate (rare; scanning every line for
 * these cost several µs): an ISO date (`2026-11-20`; `/`-joined dates in a parked key), an IPv4 address, and,
 * read from the run of letters, digits and dashes around it, a UUID or Bandwidth's call id (8 hex digits, then 3
 * to 5 dashed hex groups, perhaps after `c-`: request, call and error ids) or an X-Ray trace id.
 */
const DATES = /^\d{4}-[01]\d-[0-3]\d(?:\/\d{4}-[01]\d-[0-3]\d)*$/;
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;
const HEX_ID = /^(?:[A-Za-z]-)?[\da-fA-F]{8}(?:-[\da-fA-F]{4,12}){3,5}$|^\d-[\da-f]{8}-[\da-f]{24}$/;
const ID_CHAR = /[\dA-Za-z-]/;
const IP_CHAR = /[\d.]/;

function readable(candidate: string, offset: number, text: string): boolean {
  const before = text[offset - 1] ?? '';
  const after = text[offset + candidate.length] ?? '';
  if (DATES.test(candidate) && !/\d/.test(after)) return true;
  if (IPV4.test(candidate)) return !IP_CHAR.test(before) && !IP_CHAR.test(after);
  if (!ID_CHAR.test(before) && !ID_CHAR.test(after)) return false;
  let start = offset;
  let end = offset + candidate.length;
  while (start > 0 && ID_CHAR.test(text[start - 1] ?? '')) start -= 1;
  while (end < text.length && ID_CHAR.test(text[end] ?? '')) end += 1;
  return end - start <= 48 && HEX_ID.test(text.slice(start, end));
}

function maskDigits(spelled: string): string {
  const digits = spelled.replace(/\D/g, '');
  if (digits.length < 7) return spelled;
  // At least 3 digits hidden, the last 4 shown: +1 (555) 111-2222 → +1555***2222.
  const head = Math.min(4, digits.length - 7);
  return `${spelled.startsWith('+') ? '+' : ''}${digits.slice(0, head)}***${digits.slice(-4)}`;
}

/** A phone-shaped candidate is masked; ids, dates and addresses are left as they are. */
function maskAt(candidate: string, offset: number, text: string): string {
  return readable(candidate, offset, text) ? candidate : maskDigits(candidate);
}

function maskText(text: string): string {
  return text.replace(CANDIDATE, maskAt);
}

/**
 * In a serialised line an escape (`\u0001`, `\\`, `\"`) is one character of the text: it is read whole, so a
 * backslash never starts or ends a number. The EMF block's `Timestamp` is the one long number a line must keep.
 */
const LINE_CANDIDATE = new RegExp(String.raw`\\(?:u[\da-fA-F]{4}|[^tnr])|${PHONE}`, 'g');
const TIMESTAMP_KEY = '"Timestamp":';

const PLAIN_NUMBER = /^\d+(?:\.\d+)?$/;
const BEFORE_VALUE = /[:,[]/;
const AFTER_VALUE = /[,}\]]/;

/**
 * A JSON number of the line itself (`"latencyMs":1542.2676`): masking it would break the line, and when this pass
 * runs no bare number holds a 7-digit run (maskLine sends those to the token-by-token pass).
 */
function isBareNumber(match: string, offset: number, line: string): boolean {
  const start = line[offset - 1] === '-' ? offset - 1 : offset;
  return (
    BEFORE_VALUE.test(line[start - 1] ?? '') &&
    AFTER_VALUE.test(line[offset + match.length] ?? '') &&
    PLAIN_NUMBER.test(match)
  );
}

/** Within one JSON string of the line (the token-by-token pass): only escapes are left as they are. */
function maskInString(match: string, offset: number, text: string): string {
  return match.startsWith('\\') ? match : maskAt(match, offset, text);
}

function maskInLine(match: string, offset: number, line: string): string {
  if (line.startsWith(TIMESTAMP_KEY, offset - TIMESTAMP_KEY.length) || isBareNumber(match, offset, line)) return match;
  return maskInString(match, offset, line);
}

/**
 * A bare JSON number (not inside a string) of seven digits or more: `"from":[15551234567]`, a number sent with more
 * digits than a double holds. Rare, so the line is only then read token by token, and such a number is written as
 * a masked string, which keeps the line JSON. The EMF Timestamp is left alone.
 */
const MAY_HOLD_LONG_BARE_NUMBER = /(?<!"Timestamp")[:,[]-?[\d.eE+-]*\d{7}/;
const LINE_TOKEN = /"(?:[^"\\]|\\.)*"|(?<!"Timestamp":|[\d.eE+-])-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;

function maskToken(token: string): string {
  if (token.startsWith('"')) return token.replace(LINE_CANDIDATE, maskInString);
  const masked = maskDigits(token);
  return masked === token ? token : JSON.stringify(masked);
}

function maskLine(line: string): string {
  if (MAY_HOLD_LONG_BARE_NUMBER.test(line)) return line.replace(LINE_TOKEN, maskToken);
  return line.replace(LINE_CANDIDATE, maskInLine);
}

/**
 * Phone numbers never reach the logs whole: `+15552222222` → `+1555***2222`, in any spelling (spaces, no-break
 * spaces, dots, dashes of any kind, `/`, parentheses), touching letters or `_` (`caller_15551234567`,
 * `555-123-4567x42`), inside `tel:`/`sip:` URIs, sent as a JSON number, in a list or an object. Names such as
 * `Anonymous` carry no number and stay as they are. (Every line is masked again as it is written, whatever its
 * attributes hold.)
 */
export function maskPhoneNumber(value: unknown): unknown {
  if (typeof value === 'number') {
    const masked = maskDigits(String(value));
    return masked === String(value) ? value : masked;
  }
  return typeof value === 'string' ? maskText(value) : value;
}

/** The callback fields that hold phone numbers: a call's (`from`, `to`) and a transfer leg's own (`transferCallerId`, `transferTo`). */
export const PHONE_NUMBER_FIELDS = ['from', 'to', 'transferCallerId', 'transferTo'] as const;
