/** The scheduled replay function (handlers/replay.ts): what it replays, when it stops, and when it fails its run. */
import { describe, expect, it } from 'vitest';
import { disconnectCallback } from '../../support/callbacks.ts';
import { closedPort } from '../../support/faulty-stores.ts';
import { allItems, freshStores, parkedObjects } from '../../support/recorder.ts';
import { deliver, loadReplayHandler, replayContext, tableDown } from '../../support/replay.ts';

describe('the scheduled replay function', () => {
  it('replays what is parked and answers the counts', async () => {
    const stores = await freshStores();
    const callbacks = Array.from({ length: 3 }, () => disconnectCallback());
    await deliver(await tableDown(stores), callbacks);
    const handler = await loadReplayHandler(stores);

    const reports = await handler(
      { source: 'aws.events', 'detail-type': 'Scheduled Event' },
      replayContext(() => 60_000),
    );

    expect(reports).toEqual([{ kind: 'parked', replayed: 3, alreadyPresent: 0, stillFailing: 0, failures: [] }]);
    expect(await allItems(stores)).toHaveLength(3);
  });

  it('replays quarantined callbacks too when its input asks', async () => {
    const stores = await freshStores();
    const handler = await loadReplayHandler(stores);

    const reports = await handler(
      { quarantined: true },
      replayContext(() => 60_000),
    );

    expect(reports.map((report) => report.kind)).toEqual(['parked', 'quarantined']);
  });

  it('stops taking callbacks when the Lambda is nearly out of time, leaving the rest for the next run', async () => {
    const stores = await freshStores();
    await deliver(
      await tableDown(stores),
      Array.from({ length: 5 }, () => disconnectCallback()),
    );
    const handler = await loadReplayHandler(stores);
    // 60 s at the start (so it stops below 20 s), then two looks with time to spare, then 1 s.
    let looks = 0;
    const context = replayContext(() => (++looks <= 3 ? 60_000 : 1_000));

    // The rest still waits, so the invocation fails: the alarm on the function's errors says so.
    await expect(handler({}, context)).rejects.toThrow(
      /replay left callbacks waiting: parked: stopped early: out of time/,
    );
    expect(await parkedObjects(stores, 'parked/')).toHaveLength(3);
    expect(await allItems(stores)).toHaveLength(2);
  });

  it('fails the invocation when a store is still down, so the error shows in the function’s metrics', async () => {
    const stores = await freshStores();
    await deliver(
      await tableDown(stores),
      Array.from({ length: 12 }, () => disconnectCallback()),
    );
    const handler = await loadReplayHandler(stores, { DYNAMODB_ENDPOINT: await closedPort() });

    await expect(
      handler(
        {},
        replayContext(() => 60_000),
      ),
    ).rejects.toThrow(/replay left callbacks waiting: .*the table failed 10 times in a row/);
    expect(await parkedObjects(stores, 'parked/')).toHaveLength(12);
  });

  it('fails the invocation when anything is still waiting, even below the stop after 10 table failures', async () => {
    const stores = await freshStores();
    await deliver(
      await tableDown(stores),
      Array.from({ length: 5 }, () => disconnectCallback()),
    );
    const handler = await loadReplayHandler(stores, { DYNAMODB_ENDPOINT: await closedPort() });

    await expect(
      handler(
        {},
        replayContext(() => 60_000),
      ),
    ).rejects.toThrow(/replay left callbacks waiting: parked: 5 still failing/);
    expect(await parkedObjects(stores, 'parked/')).toHaveLength(5);
  });
});
