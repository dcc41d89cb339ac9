/** Bandwidth's OAuth token endpoint, against the fake Bandwidth on loopback: its own 429 and 5xx answers retried. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BandwidthApiError, BandwidthTokenClient } from '../../../lambda/adapters/bandwidth-token.ts';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  type FakeBandwidthVoice,
  fakeBandwidthVoice,
} from '../../support/fake-bandwidth-voice.ts';

let bandwidth: FakeBandwidthVoice;
beforeAll(async () => {
  bandwidth = await fakeBandwidthVoice();
});
afterAll(() => bandwidth.close());
beforeEach(() => {
  bandwidth.tokenFaults = [];
  bandwidth.refuseCredentials = false;
  bandwidth.tokenRequests = 0;
});

const tokens = () =>
  new BandwidthTokenClient({
    tokenUrl: bandwidth.tokenUrl,
    credentials: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
    backoffMs: 10,
    maxAttempts: 3,
  });

describe("Bandwidth's token endpoint", () => {
  it('answering 5xx is tried again with back-off, and the token it then gives is used', async () => {
    bandwidth.tokenFaults.push({ status: 503 }, { status: 500 });
    expect(await tokens().authorization()).toMatch(/^Bearer token-\d+$/);
    expect(bandwidth.tokenRequests).toBe(3);
  });

  it('answering 429 is tried again after the Retry-After it asks for', async () => {
    bandwidth.tokenFaults.push({ status: 429, headers: { 'Retry-After': '1' } });
    const started = Date.now();
    expect(await tokens().authorization()).toMatch(/^Bearer /);
    // A lower bound only: the retry cannot come before the second Bandwidth asked for.
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);
    expect(bandwidth.tokenRequests).toBe(2);
  });

  it('failing every attempt is reported as Bandwidth unavailable, with the status and the count', async () => {
    bandwidth.tokenFaults.push({ status: 502 }, { status: 503 }, { status: 503 });
    const error = await tokens()
      .authorization()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BandwidthApiError);
    expect((error as BandwidthApiError).failure).toBe('unreachable');
    expect((error as Error).message).toBe("Bandwidth's token endpoint answered 503 3 times in a row; try again later");
  });

  it('refusing the credentials is not tried again: one request, the variables named', async () => {
    bandwidth.refuseCredentials = true;
    const error = await tokens()
      .authorization()
      .catch((caught: unknown) => caught);
    expect((error as BandwidthApiError).failure).toBe('credentials');
    expect((error as Error).message).toContain('check BW_CLIENT_ID and BW_CLIENT_SECRET');
    expect(bandwidth.tokenRequests).toBe(1);
  });

  it("stopped by the caller's deadline while it waits out a 429, fails with the deadline's reason", async () => {
    bandwidth.tokenFaults.push({ status: 429, headers: { 'Retry-After': '30' } });
    const deadline = new AbortController();
    const stopped = new Error('the run reached its deadline');
    const asked = tokens().authorization(deadline.signal);
    await expect.poll(() => bandwidth.tokenRequests).toBe(1);
    deadline.abort(stopped);
    await expect(asked).rejects.toBe(stopped);
  });
});
