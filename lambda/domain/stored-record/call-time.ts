/**
 * Bandwidth's times read as instants, in every ISO 8601 form a callback may carry: fractional seconds of any length
 * (`.` or `,`), offsets `Z`, `±HH`, `±HHMM`, `±HH:MM`, times without seconds (`2022-06-17T22:20Z`), and the leap
 * second (`…T23:59:60Z`). Hand-written because no small parser fits: date-fns' parseISO refuses second 60, and the
 * Temporal polyfill (which reads it) costs 57 KB and ~9 ms of module init (measured: docs/records.md).
 */

/** A time read: `ms` on the POSIX clock (a leap second counts as the next second's start), and its UTC text. */
export interface CallTime {
  ms: number;
  /** ISO 8601 in UTC, to the millisecond; a leap second keeps its `:60`, so its UTC day is the one it belongs to. */
  utc: string;
}

const ISO_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)$/;

/**
 * Date.UTC reads years 0–99 as 1900–1999; the Gregorian calendar repeats every 400 years (146,097 days), so such a
 * year is computed 400 years on and moved back.
 */
const CYCLE_YEARS = 400;
const CYCLE_MS = 146_097 * 86_400_000;

function utcMs(year: number, month: number, ...rest: [number, number, number, number, number]): number {
  return year < 100 ? Date.UTC(year + CYCLE_YEARS, month, ...rest) - CYCLE_MS : Date.UTC(year, month, ...rest);
}

function daysIn(year: number, month: number): number {
  return new Date(utcMs(year, month, 0, 0, 0, 0, 0)).getUTCDate();
}

/** The instant a time names, or undefined for anything else (absent, null, empty, no time zone, not a real time). */
export function readCallTime(value: unknown): CallTime | undefined {
  if (typeof value !== 'string') return undefined;
  const match = ISO_TIME.exec(value);
  if (match === null) return undefined;
  const [, y, mo, d, h, mi, s = '0', fraction = '', zulu, sign, offsetH = '0', offsetM = '0'] = match;
  const year = Number(y),
    month = Number(mo),
    day = Number(d),
    hour = Number(h),
    minute = Number(mi);
  const second = Number(s),
    offsetHours = Number(offsetH),
    offsetMinutes = Number(offsetM);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 60 || offsetHours > 23 || offsetMinutes > 59) return undefined;
  const offsetMs = zulu === undefined ? (sign === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000 : 0;
  const millis = Number(fraction.padEnd(3, '0').slice(0, 3));
  const leap = second === 60;
  // Read a leap second as :59 first, so its UTC text can say :60 on the day it belongs to.
  const ms = utcMs(year, month - 1, day, hour, minute, leap ? 59 : second, millis) - offsetMs;
  const utcText = new Date(ms).toISOString();
  if (!leap) return { ms, utc: utcText };
  // A leap second is only ever the last second of a UTC day.
  if (!utcText.includes('T23:59:59')) return undefined;
  return { ms: ms + 1000, utc: utcText.replace('T23:59:59', 'T23:59:60') };
}
