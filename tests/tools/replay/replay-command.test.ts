import { describe, expect, it } from 'vitest';
import { freshStores } from '../../support/recorder.ts';
import { runReplayScript } from '../../support/replay.ts';

describe('npm run replay on the command line', () => {
  it('answers --help with the usage and exit 0', async () => {
    const run = await runReplayScript(await freshStores(), ['--help']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Usage: npm run replay');
    expect(run.stdout).toContain('--quarantined');
  }, 60_000);

  it('refuses an unknown option or a bad value with one line naming it and exit 2, touching no store', async () => {
    const stores = await freshStores();
    for (const [args, line] of [
      [['--quarantine'], 'replay: unknown option --quarantine (npm run replay -- --help)'],
      [['--concurrency', 'many'], 'replay: --concurrency must be a whole number of at least 1, got "many" (npm run replay -- --help)'],
      [['--retention-days', '0'], 'replay: --retention-days must be a whole number of at least 1, got "0" (npm run replay -- --help)'],
      [['--stage'], 'replay: --stage needs a value (npm run replay -- --help)'],
      [['parked'], 'replay: unexpected argument "parked" (npm run replay -- --help)'],
    ] as const) {
      const run = await runReplayScript({ ...stores, dynamoEndpoint: 'http://127.0.0.1:9' }, [...args]);
      expect(run.status, args.join(' ')).toBe(2);
      expect(run.stderr.trim()).toBe(line);
    }
  }, 60_000);

  it('names a missing region with its fix, exit 3, no stack trace', async () => {
    const stores = await freshStores();
    const run = await runReplayScript(stores, ['--stage', 'prod', '--region', '']);
    expect(run.status).toBe(3);
    expect(run.stderr.trim()).toMatch(/^replay: no AWS region.*pass --region or set AWS_REGION$/);
  }, 60_000);
});
