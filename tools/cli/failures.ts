/** How every command ends, as an exit code; docs/commands.md has the table. */
export const EXIT = {
  ok: 0,
  /** The command ran and the work is not done: a non-2xx answer, no such record, something still waiting. */
  failed: 1,
  /** Bad command, option or value: nothing was done. */
  usage: 2,
  /** A store or API could not be used: unreachable, or region, credentials or profile missing or refused. */
  unavailable: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure the command can word for people, with its exit code. */
export class CommandFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class UsageError extends CommandFailure {
  constructor(message: string) {
    super(message, EXIT.usage);
  }
}
