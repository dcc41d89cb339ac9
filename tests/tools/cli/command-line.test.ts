import { describe, expect, it } from 'vitest';
import { CommandFailure, EXIT, oneOf, parseCommandLine, runCommand } from '../../../tools/cli/command-line.ts';

const OPTIONS = { stage: { type: 'string' }, yes: { type: 'boolean' } } as const;

async function run(body: () => Promise<number>) {
  let stdout = '';
  let stderr = '';
  const code = await runCommand({ name: 'demo', usage: 'Usage: npm run demo' }, body, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  });
  return { code, stdout, stderr };
}

describe('the rules every command shares', () => {
  it('--help and -h print the usage on stdout and exit 0, whatever else is on the line', async () => {
    for (const args of [['--help'], ['-h'], ['--stage', 'prod', '--help']]) {
      expect(await run(async () => (parseCommandLine(args, OPTIONS), 7))).toEqual({
        code: 0,
        stdout: 'Usage: npm run demo\n',
        stderr: '',
      });
    }
  });

  it('an unknown option, a missing value, a stray argument or a bad value is one line naming it, exit 2', async () => {
    for (const [args, line] of [
      [['--stgae', 'prod'], 'demo: unknown option --stgae (npm run demo -- --help)\n'],
      [['--stage'], 'demo: --stage needs a value (npm run demo -- --help)\n'],
      [['prod'], 'demo: unexpected argument "prod" (npm run demo -- --help)\n'],
      [['--stage', 'sideways'], 'demo: --stage must be prod or dev, got "sideways" (npm run demo -- --help)\n'],
    ] as const) {
      const result = await run(async () => {
        const { values } = parseCommandLine(args, OPTIONS);
        oneOf(values.stage ?? 'prod', '--stage', ['prod', 'dev']);
        return 0;
      });
      expect(result).toEqual({ code: EXIT.usage, stdout: '', stderr: line });
    }
  });

  it('a failure keeps its own exit code, and an unforeseen error is one line with exit 1, never a stack trace', async () => {
    expect(
      await run(async () => Promise.reject(new CommandFailure('no record for that callId', EXIT.failed))),
    ).toMatchObject({
      code: 1,
      stderr: 'demo: no record for that callId\n',
    });
    const unforeseen = await run(async () => JSON.parse('{') as number);
    expect(unforeseen.code).toBe(1);
    expect(unforeseen.stderr.trim().split('\n')).toHaveLength(1);
    expect(unforeseen.stderr).toMatch(/^demo: .*JSON/);
  });
});
