import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../tools/local-stage/stores.ts';

const bench = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', ...args], {
    cwd: projectRoot,
    encoding: 'utf8',
    timeout: 60_000,
  });

describe('npm run bench on the command line', () => {
  it('answers --help with the usage and exit 0, measuring nothing', () => {
    const run = bench('--help');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Usage: npm run bench');
    expect(run.stderr).toBe('');
  });

  it('refuses an unknown option or a bad value with one line naming it and exit 2, no stack trace', () => {
    for (const [args, line] of [
      [['--quik'], 'bench: unknown option --quik (npm run bench -- --help)'],
      [
        ['--esbuild', '{minify'],
        'bench: --esbuild must be a JSON object of esbuild options, got "{minify" (npm run bench -- --help)',
      ],
      [['--node'], 'bench: --node needs a value (npm run bench -- --help)'],
      [['--doc', 'x.md', '--no-doc'], 'bench: choose one of --doc and --no-doc (npm run bench -- --help)'],
    ] as const) {
      const run = bench(...args);
      expect(run.status, args.join(' ')).toBe(2);
      expect(run.stderr).toBe(`${line}\n`);
    }
  });
});
