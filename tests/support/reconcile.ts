/** Reconciliation wired to a test's table and the fake Bandwidth: the use case directly, and the npm script. */
import { execFile } from 'node:child_process';
import { CALL_LIMITS } from '../../lambda/adapters/aws-clients.ts';
import { BandwidthCallList } from '../../lambda/adapters/bandwidth-calls.ts';
import { BandwidthTokenClient } from '../../lambda/adapters/bandwidth-token.ts';
import { DisconnectsTable } from '../../lambda/adapters/disconnects-table.ts';
import { type ReconcileOptions, type ReconcileReport, reconcile } from '../../lambda/recording/reconcile.ts';
import { projectRoot } from '../../tools/local-stage/stores.ts';
import { ACCOUNT_ID, CLIENT_ID, CLIENT_SECRET, type FakeBandwidthVoice } from './fake-bandwidth-voice.ts';
import type { TestStores } from './recorder.ts';
import type { ScriptRun } from './replay.ts';

export function callListOf(bandwidth: FakeBandwidthVoice): BandwidthCallList {
  const tokens = new BandwidthTokenClient({
    tokenUrl: bandwidth.tokenUrl,
    credentials: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
  });
  return new BandwidthCallList({
    apiBase: bandwidth.voiceApiUrl,
    accountId: ACCOUNT_ID,
    tokens,
    backoffMs: 10,
    maxAttempts: 3,
  });
}

export async function reconcileInto(
  stores: TestStores,
  bandwidth: FakeBandwidthVoice,
  options: Omit<ReconcileOptions, 'calls' | 'table'>,
): Promise<ReconcileReport> {
  const table = new DisconnectsTable({
    tableName: stores.tableName,
    endpoint: stores.dynamoEndpoint,
    limits: CALL_LIMITS.scheduled.table,
  });
  try {
    return await reconcile({ calls: callListOf(bandwidth), table, maxCallsPerQuery: bandwidth.cap, ...options });
  } finally {
    table.destroy();
  }
}

/** `npm run reconcile -- <args>` (the same `tsx tools/bin/reconcile.ts`), with this environment over the test's. */
export function runReconcileScript(args: string[], env: Record<string, string | undefined>): Promise<ScriptRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'tools/bin/reconcile.ts', ...args],
      { cwd: projectRoot, env: { ...process.env, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const status = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ status, stdout, stderr });
      },
    );
  });
}
