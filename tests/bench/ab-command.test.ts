import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../tools/local-stage/stores.ts';

const ab = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'bench/ab.ts', ...args], {
    cwd: projectRoot,
    encoding: 'utf8',
    timeout: 60_000,
  });

describe('npm run ab on the command line', () => {
  it('answers --help with the usage and exit 0, measuring nothing', () => {
    const run = ab('--help');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Usage: npm run ab -- ');
    expect(run.stderr).toBe('');
  });

  it('refuses bad usage with one line naming it and exit 2, building nothing', () => {
    const same = 'same=bench/same-write-handler.ts';
    for (const [args, line] of [
      [['--roundz', '3', same, same], 'ab: unknown option --roundz (npm run ab -- --help)'],
      [
        ['--rounds', '0', same, 'ours=handlers/disconnect.ts'],
        'ab: --rounds must be a whole number of at least 1, got "0" (npm run ab -- --help)',
      ],
      [[same], 'ab: name at least two handlers: a reference and one to compare with it (npm run ab -- --help)'],
      [[same, same], 'ab: each handler needs its own name (npm run ab -- --help)'],
      [[same, 'handlers/disconnect.ts'], 'ab: not NAME=ENTRY: handlers/disconnect.ts (npm run ab -- --help)'],
      [[same, 'ours=handlers/disconnect.ts@LOG_LEVEL'], 'ab: not VAR=VALUE: LOG_LEVEL (npm run ab -- --help)'],
    ] as const) {
      const run = ab(...args);
      expect(run.status, args.join(' ')).toBe(2);
      expect(run.stderr).toBe(`${line}\n`);
    }
  });
});
