import { describe, expect, it } from 'vitest';
import { disconnectCallback } from '../../support/callbacks.ts';
import { allItems, freshStores, parkedObjects } from '../../support/recorder.ts';
import { deliver, putObject, runReplayScript, tableDown } from '../../support/replay.ts';

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
      [
        ['--concurrency', 'many'],
        'replay: --concurrency must be a whole number of at least 1, got "many" (npm run replay -- --help)',
      ],
      [
        ['--retention-days', '0'],
        'replay: --retention-days must be a whole number of at least 1, got "0" (npm run replay -- --help)',
      ],
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
    expect(run.stderr.trim()).toMatch(/^replay: no AWS region: pass --region, set AWS_REGION, or give the profile one/);
  }, 60_000);
});

describe('npm run replay', () => {
  it('replays into the stores the environment names, prints the counts, and exits 1 while something still waits', async () => {
    const stores = await freshStores();
    const callbacks = Array.from({ length: 2 }, () => disconnectCallback());
    await deliver(await tableDown(stores), callbacks);
    await putObject(stores, 'parked/2026-11-20/not-a-callback.json', '{}');

    const run = await runReplayScript(stores, ['--json']);

    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject([{ kind: 'parked', replayed: 2, alreadyPresent: 0, stillFailing: 1 }]);
    expect(await allItems(stores)).toHaveLength(2);
  });

  it('three runs at once over 60 parked callbacks all exit 0: what another run stored and removed counts as done', async () => {
    const stores = await freshStores();
    const callbacks = Array.from({ length: 60 }, () => disconnectCallback());
    expect(new Set(await deliver(await tableDown(stores), callbacks))).toEqual(new Set(['204 parked']));

    const runs = await Promise.all([0, 1, 2].map(() => runReplayScript(stores, ['--json'])));

    for (const run of runs) {
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject([{ kind: 'parked', stillFailing: 0 }]);
    }
    const reports = runs.map((run) => (JSON.parse(run.stdout) as { replayed: number; alreadyPresent: number }[])[0]);
    expect(reports.reduce((sum, report) => sum + (report?.replayed ?? 0), 0)).toBe(60);
    expect(await allItems(stores)).toHaveLength(60);
    expect(await parkedObjects(stores, 'parked/')).toHaveLength(0);
  });

  it('exits 0 and says so in words when everything waiting was stored', async () => {
    const stores = await freshStores();
    await deliver(await tableDown(stores), [disconnectCallback()]);

    const run = await runReplayScript(stores, ['--quarantined']);

    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/parked: 1 replayed, 0 already present, 0 still failing/);
    expect(run.stdout).toMatch(/quarantined: 0 replayed, 0 already present, 0 still failing/);
  });
});
