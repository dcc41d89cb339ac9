/** The recorder's log lines, captured as printed. */
import { vi } from 'vitest';

export interface CapturedLogs {
  /** Everything the recorder printed, exactly as printed. */
  text(): string;
  /** Each printed line, parsed (the logger prints one JSON object per line). */
  lines(): Record<string, unknown>[];
  restore(): void;
}

/**
 * Captures what the logger prints. lambda/log/logger.ts writes to process.stdout / process.stderr, so the capture
 * sees the real output lines, not calls to a mock.
 */
export function captureLogs(): CapturedLogs {
  const chunks: string[] = [];
  const capture = (chunk: unknown): boolean => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  };
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  return {
    text: () => chunks.join(''),
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    restore() {
      stdout.mockRestore();
      stderr.mockRestore();
    },
  };
}
