import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../../tools/local-stage/stores.ts';
import { disconnectCallback } from '../../support/callbacks.ts';
import {
  freshStores,
  httpApiEvent,
  lambdaContext,
  loadHandler,
  parkedObjects,
  type TestStores,
} from '../../support/recorder.ts';
import { putObject, runReplayScript } from '../../support/replay.ts';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npm run quarantine -- <args>` (the same `tsx tools/bin/quarantine.ts`), pointed at the test's bucket as the handler's environment would. */
function quarantine(stores: TestStores, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'tools/bin/quarantine.ts', ...args],
      {
        cwd: projectRoot,
        env: {
          ...process.env,
          DISCONNECTS_TABLE: stores.tableName,
          S3_ENDPOINT: stores.s3Endpoint,
          PARKED_CALLBACKS_BUCKET: stores.bucket,
        },
        timeout: 60_000,
      },
      (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr }),
    );
  });
}

/**
 * The command on a real terminal: util-linux `script` gives it a pseudo-terminal and types `answer` into it, as an
 * operator at the prompt would.
 */
function quarantineOnTerminal(stores: TestStores, args: string[], answer: string): Promise<Run> {
  const command = [process.execPath, '--import', 'tsx', 'tools/bin/quarantine.ts', ...args]
    .map((part) => `'${part}'`)
    .join(' ');
  return new Promise((resolve) => {
    const child = execFile(
      'script',
      ['--quiet', '--return', '--command', command, '/dev/null'],
      {
        cwd: projectRoot,
        env: {
          ...process.env,
          DISCONNECTS_TABLE: stores.tableName,
          S3_ENDPOINT: stores.s3Endpoint,
          PARKED_CALLBACKS_BUCKET: stores.bucket,
        },
        timeout: 60_000,
      },
      (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr }),
    );
    child.stdin?.end(`${answer}\n`);
  });
}

/** Two authenticated bodies the recorder must quarantine: junk that is no callback, and a callback of the wrong event type. */
async function quarantineJunk(stores: TestStores): Promise<{ callId: string }> {
  const handler = await loadHandler(stores);
  const junk = await handler(httpApiEvent({ body: 'this is not a callback at all +15551234567' }), lambdaContext);
  const callback = disconnectCallback({ eventType: 'answer', from: '+15557654321' });
  const wrongType = await handler(httpApiEvent({ body: JSON.stringify(callback) }), lambdaContext);
  expect([junk.statusCode, wrongType.statusCode].every((status) => status >= 400 && status < 500)).toBe(true);
  expect(await parkedObjects(stores, 'quarantine/')).toHaveLength(2);
  return { callId: callback.callId };
}

const logLines = (stderr: string) =>
  stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('npm run quarantine', () => {
  it('lists what waits with kind, age, reason and callId, and shows one envelope with the numbers masked', async () => {
    const stores = await freshStores();
    const { callId } = await quarantineJunk(stores);

    const list = await quarantine(stores, ['list', '--json']);
    expect(list.code, list.stderr).toBe(0);
    const objects = JSON.parse(list.stdout) as {
      key: string;
      kind: string;
      callId: string | null;
      reason: string;
      ageSeconds: number;
    }[];
    expect(objects).toHaveLength(2);
    expect(objects.every((object) => object.kind === 'quarantined' && object.key.startsWith('quarantine/'))).toBe(true);
    expect(objects.every((object) => object.ageSeconds >= 0 && object.reason !== '')).toBe(true);
    expect(objects.map((object) => object.callId)).toContain(callId);

    const table = await quarantine(stores, ['list']);
    expect(table.stdout).toMatch(/KIND +AGE +CALL ID +REASON +KEY/);
    expect(table.stdout).toContain('2 waiting in bucket');

    const withCallId = objects.find((object) => object.callId === callId)!;
    const shown = await quarantine(stores, ['show', withCallId.key]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain('+1555***4321');
    expect(shown.stdout).not.toContain('+15557654321');
    expect(shown.stdout).toContain(callId);
    const junk = objects.find((object) => object.callId === null)!;
    expect((await quarantine(stores, ['show', junk.key])).stdout).not.toContain('+15551234567');
    expect((await quarantine(stores, ['show', junk.key, '--full-numbers'])).stdout).toContain('+15551234567');
  }, 60_000);

  it('empties the quarantine after confirmation, logging each discard, so replay --quarantined can finish with exit 0', async () => {
    const stores = await freshStores();
    const { callId } = await quarantineJunk(stores);
    expect((await runReplayScript(stores, ['--quarantined'])).status).not.toBe(0);

    const refused = await quarantine(stores, ['discard', '--all']);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split('\n')).toEqual([
      'quarantine: no terminal to confirm on: pass --yes to discard (npm run quarantine -- --help)',
    ]);
    expect(await parkedObjects(stores, 'quarantine/')).toHaveLength(2);

    const discarded = await quarantine(stores, ['discard', '--all', '--yes']);
    expect(discarded.code, discarded.stderr).toBe(0);
    const lines = logLines(discarded.stderr);
    expect(lines).toHaveLength(2);
    expect(lines.map((line) => line['callId'])).toContain(callId);
    for (const line of lines)
      expect(line).toMatchObject({
        kind: 'quarantined',
        key: expect.stringMatching(/^quarantine\//),
        reason: expect.any(String),
      });
    expect(discarded.stderr).not.toMatch(/\+1555\d{7}/);
    expect(await parkedObjects(stores, 'quarantine/')).toHaveLength(0);

    expect((await runReplayScript(stores, ['--quarantined'])).status).toBe(0);
  }, 90_000);

  it('asks before discarding one object on a terminal, and keeps it unless the answer is yes', async () => {
    const stores = await freshStores();
    await quarantineJunk(stores);
    const [first] = (JSON.parse((await quarantine(stores, ['list', '--json'])).stdout) as { key: string }[]).map(
      (o) => o.key,
    );

    const kept = await quarantineOnTerminal(stores, ['discard', first!], 'n');
    expect(kept.code, kept.stdout).toBe(0);
    expect(kept.stdout).toContain(`Discard ${first}`);
    expect(kept.stdout).toContain('[y/N]');
    expect(kept.stdout).toContain('Nothing discarded.');
    expect(await parkedObjects(stores, 'quarantine/')).toHaveLength(2);

    const gone = await quarantineOnTerminal(stores, ['discard', first!], 'y');
    expect(gone.code, gone.stdout).toBe(0);
    // On a terminal stderr shares the screen with stdout: the log line is in the one stream `script` gives back.
    expect(gone.stdout).toMatch(
      new RegExp(
        `\\{"level":"INFO","message":"discarded from the fallback bucket".*"key":"${first!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}","kind":"quarantined"`,
      ),
    );
    expect(gone.stdout).toContain('Discarded 1 of 1.');
    expect(await parkedObjects(stores, 'quarantine/')).toHaveLength(1);
  }, 60_000);

  it('filters by kind, age and reason, so only the junk goes and parked callbacks stay for replay', async () => {
    const stores = await freshStores();
    await quarantineJunk(stores);
    await putObject(stores, 'parked/2020-01-01/2020-01-01T00:00:00.000Z_unknown_x.json', 'not an envelope');

    const parked = JSON.parse((await quarantine(stores, ['list', '--kind', 'parked', '--json'])).stdout) as {
      reason: string;
      receivedAt: string;
    }[];
    expect(parked).toEqual([
      expect.objectContaining({ receivedAt: '2020-01-01T00:00:00.000Z', reason: expect.stringMatching(/^unreadable/) }),
    ]);
    expect(
      JSON.parse((await quarantine(stores, ['list', '--kind', 'quarantined', '--older-than', '7d', '--json'])).stdout),
    ).toEqual([]);
    expect(
      JSON.parse((await quarantine(stores, ['list', '--kind', 'parked', '--kind', 'quarantined', '--json'])).stdout),
    ).toHaveLength(3);

    const gone = await quarantine(stores, ['discard', '--all', '--kind', 'parked', '--reason', 'unreadable', '--yes']);
    expect(gone.code, gone.stderr).toBe(0);
    expect(await parkedObjects(stores, 'quarantine/')).toHaveLength(2);
  }, 60_000);

  it('answers --help with exit 0, and a bad option, value or key with exit 2 and one line', async () => {
    const stores = await freshStores();
    const help = await quarantine(stores, ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: npm run quarantine');
    for (const [args, message] of [
      [['list', '--colour'], 'unknown option --colour'],
      [['list', '--kind', 'sideways'], '--kind must be parked or quarantined or unverified, got "sideways"'],
      [['list', '--older-than', 'soon'], '--older-than "soon" is not a time'],
      [['show', 'elsewhere/x.json'], 'is not a fallback-bucket key'],
      [['discard'], 'discard takes one key, or --all with filters'],
      [['empty'], 'unknown command "empty"'],
    ] as const) {
      const run = await quarantine(stores, [...args]);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(run.stderr).toContain(message);
      expect(run.stderr).toContain('--help');
    }
  }, 60_000);

  it('names a missing object (exit 1) and an unreachable bucket with exit 3, without a stack trace', async () => {
    const stores = await freshStores();
    const missing = await quarantine(stores, ['show', 'quarantine/2026-01-01/none.json']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no object quarantine/2026-01-01/none.json');
    const down = await quarantine({ ...stores, s3Endpoint: 'http://127.0.0.1:9' }, ['list']);
    expect(down.code).toBe(3);
    expect(down.stderr).toMatch(/^quarantine: cannot reach bucket .*ECONNREFUSED/);
    expect(down.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});
