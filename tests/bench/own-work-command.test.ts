import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../tools/local-stage/stores.ts';

const ownWork = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'bench/own-work.ts', ...args], {
    cwd: projectRoot,
    encoding: 'utf8',
    timeout: 60_000,
  });

describe('npm run own-work on the command line', () => {
  it('answers --help with the usage and exit 0, measuring nothing', () => {
    const run = ownWork('--help');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Usage: npm run own-work -- ');
    expect(run.stderr).toBe('');
  });

  it('refuses bad usage with one line naming it and exit 2', () => {
    for (const [args, line] of [
      [['--bogus'], 'own-work: unknown option --bogus (npm run own-work -- --help)'],
      [
        ['--handler', 'bare'],
        'own-work: --handler must be ours or same-write, got "bare" (npm run own-work -- --help)',
      ],
      [
        ['--rounds', '0'],
        'own-work: --rounds must be a whole number of at least 1, got "0" (npm run own-work -- --help)',
      ],
    ] as const) {
      const run = ownWork(...args);
      expect(run.status, args.join(' ')).toBe(2);
      expect(run.stderr).toBe(`${line}\n`);
    }
  });

  it("measures the recorder per round with the store stubbed out (the tool's own stand-in), every answer 204", () => {
    const run = ownWork('--answers', '50', '--rounds', '2');
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^round 1: [\d.]+ µs of CPU per answer\nround 2: [\d.]+ µs of CPU per answer\n$/);
  });
});
