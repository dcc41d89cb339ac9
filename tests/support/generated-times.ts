/**
 * Call times for the generated-traffic test: a call's instants (queued, started, answered, ended, event), each
 * written in one of the forms RFC 3339 allows (offsets, `-00:00`, fractions of any length, lower-case `t`/`z`, a
 * space for `T` as its section 5.6 note permits, the leap second `23:59:60`), in any year 0001–9998. Each written
 * time carries the instant it names, worked out here from the parts chosen, so the test can compute the record's
 * derived attributes without reading the text back.
 */
import type { Random } from './generated-json.ts';

/** A time as written and the instant it names: `ms` on the POSIX clock (a leap second is the next second's start). */
export interface WrittenTime {
  text: string;
  ms: number;
  /** The instant in UTC, ISO 8601 to the millisecond; a leap second keeps its `:60`. */
  utc: string;
}

const DAY_MS = 86_400_000;

/** Midnight UTC starting a day, for any year 0–9999 (Date.UTC would read years 0–99 as 1900–1999). */
function dayStart(year: number, month: number, day: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getTime();
}

const FIRST_MS = dayStart(1, 1, 2);
const LAST_MS = dayStart(9998, 12, 30);

/** An instant of a call's end: mostly recent years, often the first century, any year the schema accepts. */
function callEnd(random: Random): number {
  const roll = random.next();
  if (roll < 0.5) return random.int(dayStart(2019, 1, 1), dayStart(2027, 1, 1));
  if (roll < 0.65) return random.int(FIRST_MS, dayStart(100, 1, 1));
  if (roll < 0.75) {
    // Just after a leap second's place (the end of 30 June or 31 December), to be written as 23:59:60.
    const year = random.int(2, 9998);
    return dayStart(year, random.pick([1, 7]), 1) + random.int(0, 999);
  }
  return random.int(FIRST_MS, LAST_MS);
}

const two = (value: number) => String(value).padStart(2, '0');

/** The instant written in a random RFC 3339 form, the instant truncated to what the form's fraction says. */
export function writeTime(random: Random, instant: number): WrittenTime {
  const fractionDigits = random.pick([0, 0, 1, 2, 3, 3, 3, 4, 6, 9]);
  const step = fractionDigits >= 3 ? 1 : 10 ** (3 - fractionDigits);
  let ms = Math.floor(instant / step) * step;
  // A leap second names the second before midnight UTC 30 June or 31 December, read as the next second's start.
  const sinceMidnight = ((ms % DAY_MS) + DAY_MS) % DAY_MS;
  const month = new Date(ms).getUTCMonth();
  const leap =
    sinceMidnight < 1000 && new Date(ms).getUTCDate() === 1 && (month === 0 || month === 6) && random.chance(0.7);
  const named = leap ? ms - 1000 : ms;
  const offsetMinutes = random.pick([0, 0, 0, random.int(-23 * 60 - 59, 23 * 60 + 59), -300, 330, 345, 840, -720]);
  const local = new Date(named + offsetMinutes * 60_000);
  if (local.getUTCFullYear() < 1 || local.getUTCFullYear() > 9999) return writeTime(random, instant);
  const second = leap ? 60 : local.getUTCSeconds();
  const millis = String(local.getUTCMilliseconds()).padStart(3, '0');
  const fraction = fractionDigits === 0 ? '' : `.${(millis + random.digits(6)).slice(0, fractionDigits)}`;
  const separator = random.pick(['T', 'T', 'T', 't', ' ']);
  let zone: string;
  if (offsetMinutes === 0) zone = random.pick(['Z', 'Z', 'z', '+00:00', '-00:00']);
  else {
    const size = Math.abs(offsetMinutes);
    zone = `${offsetMinutes < 0 ? '-' : '+'}${two(Math.floor(size / 60))}:${two(size % 60)}`;
  }
  const date = `${String(local.getUTCFullYear()).padStart(4, '0')}-${two(local.getUTCMonth() + 1)}-${two(local.getUTCDate())}`;
  const time = `${two(local.getUTCHours())}:${two(local.getUTCMinutes())}:${two(second)}${fraction}`;
  const iso = new Date(named).toISOString();
  const utc = leap ? iso.replace(/:59\.(\d{3})Z$/, ':60.$1Z') : iso;
  if (leap) ms = named + 1000;
  return { text: `${date}${separator}${time}${zone}`, ms, utc };
}

/** A call's instants, as Bandwidth reports them; absent ones did not happen (never queued, never answered). */
export interface CallInstants {
  enqueuedTime?: number;
  startTime: number;
  answerTime?: number;
  endTime: number;
  eventTime: number;
}

export function callInstants(random: Random): CallInstants {
  const end = callEnd(random);
  const answered = random.chance(0.6);
  const talk = answered ? random.int(0, random.chance(0.1) ? 36_000_000 : 600_000) : 0;
  const ring = random.int(0, 60_000);
  // Now and then out of order (a clock step): the durations it would give are not recorded.
  const answer = random.chance(0.03) ? end + random.int(1, 5_000) : end - talk;
  const start = answered ? answer - ring : end - ring;
  const instants: CallInstants = { startTime: start, endTime: end, eventTime: end + random.int(0, 2_000) };
  if (answered) instants.answerTime = answer;
  if (random.chance(0.5)) instants.enqueuedTime = start - random.int(0, 120_000);
  return instants;
}

/** Seconds between two instants as DynamoDB holds the number: `222.677`, `5`, `0.04`. */
export function secondsText(fromMs: number, toMs: number): string {
  const ms = toMs - fromMs;
  const whole = Math.floor(ms / 1000);
  const fraction = String(ms % 1000)
    .padStart(3, '0')
    .replace(/0+$/, '');
  return fraction === '' ? String(whole) : `${whole}.${fraction}`;
}

/** What the recorder derives from a callback's times, computed from the instants the times were written from. */
export interface DerivedAttributes {
  answered: { BOOL: boolean };
  endedAt: { S: string };
  endedDay: { S: string };
  durationSeconds?: { N: string };
  ringSeconds?: { N: string };
}

/**
 * `times`: the instants of the time fields that name one; `answered`: whether an answerTime was sent (present, not
 * null, not empty); `received`: when API Gateway received the callback.
 */
export function derivedAttributes(
  times: Readonly<Record<string, WrittenTime>>,
  answered: boolean,
  received: number,
): DerivedAttributes {
  const { startTime: start, answerTime: answer, endTime: end, eventTime: event } = times;
  const receivedAt = { text: '', ms: received, utc: new Date(received).toISOString() };
  const ended = end ?? event ?? receivedAt;
  const derived: DerivedAttributes = {
    answered: { BOOL: answered },
    endedAt: { S: ended.utc },
    endedDay: { S: ended.utc.slice(0, 10) },
  };
  if (answer !== undefined && end !== undefined && end.ms >= answer.ms) {
    derived.durationSeconds = { N: secondsText(answer.ms, end.ms) };
  }
  // Ringing ends when the call is answered, or, never answered, when it ends.
  const ringEnd = answered ? answer : end;
  if (start !== undefined && ringEnd !== undefined && ringEnd.ms >= start.ms) {
    derived.ringSeconds = { N: secondsText(start.ms, ringEnd.ms) };
  }
  return derived;
}
