/**
 * One behaviour for every operator command: `--help` prints the usage and exits 0; a mistake in the arguments is
 * one line naming it, pointing at --help, exit 2; a store, API or AWS setting that fails is named with its fix,
 * exit 3; never a stack trace. docs/commands.md has the table.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { awsProblem } from './aws-problems.ts';
import { CommandFailure, EXIT, UsageError } from './failures.ts';

export { CommandFailure, EXIT, type ExitCode, UsageError } from './failures.ts';

/** `--help` was asked for: not an error, the runner prints the usage. */
export class HelpRequested extends Error {}

export type Options = NonNullable<ParseArgsConfig['options']>;
type WithHelp<O extends Options> = O & { help: { type: 'boolean'; short: 'h' } };

/**
 * node:util parseArgs with the rules every command shares: strict, `-h`/`--help` known everywhere, and Node's
 * messages shortened to what names the mistake.
 */
export function parseCommandLine<O extends Options>(argv: readonly string[], options: O, { positionals = false } = {}) {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { ...options, help: { type: 'boolean', short: 'h' } } as WithHelp<O>,
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(usageMessage(error instanceof Error ? error.message : String(error)));
  }
  if ((parsed.values as { help?: boolean }).help === true) throw new HelpRequested();
  const extra = parsed.positionals[0];
  if (!positionals && extra !== undefined) throw new UsageError(`unexpected argument ${JSON.stringify(extra)}`);
  return parsed;
}

function usageMessage(message: string): string {
  const unknown = /^Unknown option '([^']+)'/.exec(message);
  if (unknown !== null) return `unknown option ${unknown[1]}`;
  const missing = /^Option '(?:-\w, )?(--[^ ]+) <value>' argument missing/.exec(message);
  if (missing !== null) return `${missing[1]} needs a value`;
  return message.split('\n')[0] ?? message;
}

/** A whole number of at least 1, or the default when the option is absent. */
export function positiveInteger(text: string | undefined, option: string, fallback: number): number;
export function positiveInteger(text: string | undefined, option: string): number | undefined;
export function positiveInteger(text: string | undefined, option: string, fallback?: number): number | undefined {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < 1) {
    throw new UsageError(`${option} must be a whole number of at least 1, got ${JSON.stringify(text)}`);
  }
  return value;
}

/** One of the listed values, or a usage error naming them. */
export function oneOf<T extends string>(text: string, option: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(text)) return text as T;
  throw new UsageError(`${option} must be ${allowed.join(' or ')}, got ${JSON.stringify(text)}`);
}

export interface CommandOutput {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/**
 * Runs a command's body and turns how it ended into an exit code and at most one line on stderr. An error that
 * is neither a CommandFailure nor an AWS problem the mapping knows is a failure (1), still one line.
 */
export async function runCommand(
  command: { name: string; usage: string },
  body: () => Promise<number>,
  output: CommandOutput = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof HelpRequested) {
      output.stdout.write(command.usage.endsWith('\n') ? command.usage : `${command.usage}\n`);
      return EXIT.ok;
    }
    const failure = error instanceof CommandFailure ? error : awsProblem(error);
    const hint = failure instanceof UsageError ? ` (npm run ${command.name} -- --help)` : '';
    output.stderr.write(`${command.name}: ${failure.message}${hint}\n`);
    return failure.exitCode;
  }
}
