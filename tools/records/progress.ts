import type { ReadProgress } from './recorded-disconnects.ts';

/** Where the progress line goes: stderr, so stdout stays clean for pipes and --json. */
export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface ProgressLine {
  update: ReadProgress;
  /** Erase the line before the result is printed. */
  done(): void;
}

const QUIET: ProgressLine = { update: () => {}, done: () => {} };

/**
 * A one-line "read N records (day …)" that rewrites itself while pages arrive, on a terminal only: in a pipe or a
 * log it would be noise. Redrawn at most every `intervalMs`.
 */
export function progressLine(output: ProgressOutput, now: () => number = Date.now, intervalMs = 100): ProgressLine {
  if (output.isTTY !== true) return QUIET;
  let drawn = false;
  let lastDraw = Number.NEGATIVE_INFINITY;
  return {
    update({ day, read }) {
      const time = now();
      if (time - lastDraw < intervalMs) return;
      lastDraw = time;
      drawn = true;
      output.write(`\r\x1b[2Kread ${read.toLocaleString('en-US')} records, now at ${day}…`);
    },
    done() {
      if (drawn) output.write('\r\x1b[2K');
      drawn = false;
    },
  };
}
