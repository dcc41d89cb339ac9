/** Bandwidth's call list and token endpoint, against the fake Bandwidth on loopback. */

import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BandwidthCallList, nextLink } from '../../../lambda/adapters/bandwidth-calls.ts';
import { retryAfterMs } from '../../../lambda/adapters/bandwidth-retry.ts';
import { BandwidthApiError, BandwidthTokenClient } from '../../../lambda/adapters/bandwidth-token.ts';
import {
  ACCOUNT_ID,
  CLIENT_ID,
  CLIENT_SECRET,
  type FakeBandwidthVoice,
  fakeBandwidthVoice,
  listedCall,
} from '../../support/fake-bandwidth-voice.ts';

let bandwidth: FakeBandwidthVoice;
beforeAll(async () => {
  bandwidth = await fakeBandwidthVoice();
});
afterAll(() => bandwidth.close());
beforeEach(() => {
  bandwidth.calls = Array.from({ length: 5 }, (_, i) => listedCall(`c-${i}`, `2026-11-20T10:0${i}:00.000Z`));
  bandwidth.faults = [];
  bandwidth.tokenFaults = [];
  bandwidth.refuseCredentials = false;
  bandwidth.expiresIn = 3600;
  bandwidth.tokenRequests = 0;
  bandwidth.listRequests = [];
});

const range = { from: new Date('2026-11-20T10:00:00.000Z'), to: new Date('2026-11-20T11:00:00.000Z') };

function callList(options: { pageSize?: number; accountId?: string; now?: () => number } = {}) {
  const tokens = new BandwidthTokenClient({
    tokenUrl: bandwidth.tokenUrl,
    credentials: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  return new BandwidthCallList({
    apiBase: bandwidth.voiceApiUrl,
    accountId: options.accountId ?? ACCOUNT_ID,
    tokens,
    pageSize: options.pageSize ?? 1000,
    backoffMs: 10,
    maxAttempts: 3,
  });
}

describe("Bandwidth's call list", () => {
  it('follows every Link rel="next" page and asks for the start-time range with a bearer token', async () => {
    const { calls, requests } = await callList({ pageSize: 2 }).query(range);
    expect(calls.map((call) => call.callId)).toEqual(['c-0', 'c-1', 'c-2', 'c-3', 'c-4']);
    expect(requests).toBe(3);
    const first = bandwidth.listRequests[0];
    expect(first?.url.searchParams.get('minStartTime')).toBe('2026-11-20T10:00:00.000Z');
    expect(first?.url.searchParams.get('maxStartTime')).toBe('2026-11-20T11:00:00.000Z');
    expect(first?.url.searchParams.get('pageSize')).toBe('2');
    expect(bandwidth.listRequests.every((request) => request.authorization?.startsWith('Bearer token-'))).toBe(true);
  });

  it('asks for one token and uses it until it expires, then asks again', async () => {
    let now = Date.parse('2026-11-20T12:00:00Z');
    const list = callList({ now: () => now });
    await list.query(range);
    await list.query(range);
    expect(bandwidth.tokenRequests).toBe(1);
    now += 3_600_000;
    await list.query(range);
    expect(bandwidth.tokenRequests).toBe(2);
  });

  it('waits as long as a 429 Retry-After asks, then carries on', async () => {
    bandwidth.faults.push({ status: 429, headers: { 'Retry-After': '1' } });
    const { calls, requests } = await callList().query(range);
    expect(calls).toHaveLength(5);
    expect(requests).toBe(2);
    const [throttled, retried] = bandwidth.listRequests;
    // A lower bound only: the retry cannot come before the second Bandwidth asked for.
    expect((retried?.at ?? 0) - (throttled?.at ?? 0)).toBeGreaterThanOrEqual(990);
  });

  it('retries a 5xx with back-off, and gives up with a clear error when it persists', async () => {
    bandwidth.faults.push({ status: 503 });
    expect((await callList().query(range)).calls).toHaveLength(5);
    bandwidth.faults.push({ status: 500 }, { status: 502 }, { status: 503 });
    await expect(callList().query(range)).rejects.toThrow("Bandwidth's Voice API answered 503 3 times in a row");
  });

  it('says Bandwidth refused the API credentials, naming the variables', async () => {
    bandwidth.refuseCredentials = true;
    const error = await callList()
      .query(range)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BandwidthApiError);
    expect((error as BandwidthApiError).failure).toBe('credentials');
    expect((error as Error).message).toContain('check BW_CLIENT_ID and BW_CLIENT_SECRET');
    expect(bandwidth.listRequests).toHaveLength(0);
  });

  it('says when the account is not one the credentials may list', async () => {
    await expect(callList({ accountId: '1234567' }).query(range)).rejects.toThrow(
      'Bandwidth refused to list the calls of account 1234567 (HTTP 403)',
    );
  });

  it('takes a new token once when the API refuses one before its time', async () => {
    bandwidth.faults.push({ status: 401 });
    expect((await callList().query(range)).calls).toHaveLength(5);
    expect(bandwidth.tokenRequests).toBe(2);
  });

  it('says the API is unreachable when nothing listens', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as AddressInfo;
        probe.close(() => resolve(free));
      });
    });
    const tokens = new BandwidthTokenClient({
      tokenUrl: `http://127.0.0.1:${port}/token`,
      credentials: { clientId: 'a', clientSecret: 'b' },
      backoffMs: 1,
    });
    const list = new BandwidthCallList({
      apiBase: `http://127.0.0.1:${port}/api/v2`,
      accountId: ACCOUNT_ID,
      tokens,
      backoffMs: 1,
    });
    const error = await list.query(range).catch((caught: unknown) => caught);
    expect((error as BandwidthApiError).failure).toBe('unreachable');
    expect((error as Error).message).toContain('ECONNREFUSED');
  });

  it("stopped by the caller's deadline while it waits out a 429, fails with the deadline's reason, not as unreachable", async () => {
    bandwidth.faults.push({ status: 429, headers: { 'Retry-After': '30' } });
    const deadline = new AbortController();
    const stopped = new Error('the run reached its deadline');
    const query = callList().query(range, deadline.signal);
    // Once the 429 has been answered, the run is waiting on Retry-After.
    await expect.poll(() => bandwidth.listRequests.length).toBe(1);
    deadline.abort(stopped);
    await expect(query).rejects.toBe(stopped);
    expect(bandwidth.listRequests).toHaveLength(1);
  });

  it('refuses a next-page link to another host rather than send it the token', async () => {
    bandwidth.faults.push({
      status: 200,
      body: '[]',
      headers: { Link: '<https://elsewhere.example.com/calls?cursor=2>; rel="next"' },
    });
    await expect(callList().query(range)).rejects.toThrow('next-page link leaves');
  });

  it('reads Link and Retry-After headers as Bandwidth writes them', () => {
    expect(nextLink('<https://voice.bandwidth.com/api/v2/accounts/1/calls?pageSize=100&cursor=x>; rel="next"')).toBe(
      'https://voice.bandwidth.com/api/v2/accounts/1/calls?pageSize=100&cursor=x',
    );
    expect(nextLink('<https://a/prev>; rel="prev", <https://a/next>; rel="next"')).toBe('https://a/next');
    expect(nextLink('<https://a/prev>; rel="prev"')).toBeUndefined();
    expect(nextLink(null)).toBeUndefined();
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs('Fri, 20 Nov 2026 10:00:05 GMT', Date.parse('2026-11-20T10:00:00Z'))).toBe(5000);
    expect(retryAfterMs('soon')).toBeUndefined();
  });
});
