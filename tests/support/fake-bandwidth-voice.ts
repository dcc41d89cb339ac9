/**
 * A stand-in for Bandwidth on loopback, speaking its wire format: the OAuth token endpoint
 * (`POST /api/v1/oauth2/token`, Basic client credentials) and the Voice API's call list
 * (`GET /api/v2/accounts/{accountId}/calls`, Bearer token, minStartTime/maxStartTime inclusive, pageSize,
 * further pages through `Link: <…>; rel="next"`, at most `cap` calls per query — 10,000 as Bandwidth, lowered
 * by tests). Faults are queued: the next list (or token) requests answer them (a 429 with Retry-After, a 5xx, ...).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ListedCall } from '../../lambda/domain/stored-record/backfilled-record.ts';

export const ACCOUNT_ID = '9900001';
export const CLIENT_ID = 'recorder-client';
export const CLIENT_SECRET = 'recorder-client-secret';

export interface Fault {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface ListRequest {
  at: number;
  url: URL;
  authorization: string | undefined;
}

export interface FakeBandwidthVoice {
  url: string;
  voiceApiUrl: string;
  tokenUrl: string;
  /** The account's calls, as the list answers them. */
  calls: ListedCall[];
  /** Answered to the next list requests, in order, instead of a page. */
  faults: Fault[];
  /** Answered to the next token requests, in order, instead of a token. */
  tokenFaults: Fault[];
  /** Calls per query at most. */
  cap: number;
  /** The token endpoint refuses every request (wrong client id or secret). */
  refuseCredentials: boolean;
  /** What the token endpoint says a token lasts. */
  expiresIn: number;
  tokenRequests: number;
  listRequests: ListRequest[];
  /** The environment `npm run reconcile` and the handler need to reach this fake. */
  env: Record<string, string>;
  close(): Promise<void>;
}

let tokenCounter = 0;

export async function fakeBandwidthVoice(): Promise<FakeBandwidthVoice> {
  const issued = new Set<string>();
  const fake: Omit<FakeBandwidthVoice, 'url' | 'voiceApiUrl' | 'tokenUrl' | 'env' | 'close'> = {
    calls: [],
    faults: [],
    tokenFaults: [],
    cap: 10_000,
    refuseCredentials: false,
    expiresIn: 3600,
    tokenRequests: 0,
    listRequests: [],
  };
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', `http://${request.headers.host ?? '127.0.0.1'}`);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'Content-Type': 'application/json', ...headers });
      response.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    request.resume();
    if (request.method === 'POST' && url.pathname === '/api/v1/oauth2/token') {
      fake.tokenRequests += 1;
      const fault = fake.tokenFaults.shift();
      if (fault !== undefined) {
        send(fault.status, fault.body ?? { error: 'temporarily_unavailable' }, fault.headers);
        return;
      }
      const expected = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;
      if (fake.refuseCredentials || request.headers.authorization !== expected) {
        send(401, { error: 'invalid_client' });
        return;
      }
      tokenCounter += 1;
      const token = `token-${tokenCounter}`;
      issued.add(token);
      send(200, { access_token: token, token_type: 'Bearer', expires_in: fake.expiresIn });
      return;
    }
    const account = /^\/api\/v2\/accounts\/([^/]+)\/calls$/.exec(url.pathname)?.[1];
    if (request.method !== 'GET' || account === undefined) {
      send(404, { type: 'not-found', description: 'no such resource' });
      return;
    }
    fake.listRequests.push({ at: Date.now(), url, authorization: request.headers.authorization });
    const fault = fake.faults.shift();
    if (fault !== undefined) {
      send(fault.status, fault.body ?? { type: 'fault', description: `fault ${fault.status}` }, fault.headers);
      return;
    }
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (bearer === undefined || !issued.has(bearer)) {
      send(401, { type: 'authentication-error', description: 'Invalid token' });
      return;
    }
    if (account !== ACCOUNT_ID) {
      send(403, { type: 'authorization-error', description: 'Access denied to account' });
      return;
    }
    const min = Date.parse(url.searchParams.get('minStartTime') ?? '');
    const max = Date.parse(url.searchParams.get('maxStartTime') ?? '');
    const pageSize = Number(url.searchParams.get('pageSize') ?? 1000);
    const cursor = Number(url.searchParams.get('cursor') ?? 0);
    const matching = fake.calls
      .filter((call) => {
        const start = Date.parse(String(call['startTime']));
        return (Number.isNaN(min) || start >= min) && (Number.isNaN(max) || start <= max);
      })
      .slice(0, fake.cap);
    const page = matching.slice(cursor, cursor + pageSize);
    const headers: Record<string, string> = {};
    if (cursor + pageSize < matching.length) {
      const next = new URL(url);
      next.searchParams.set('cursor', String(cursor + pageSize));
      headers['Link'] = `<${next.toString()}>; rel="next"`;
    }
    send(200, page, headers);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const full = fake as FakeBandwidthVoice;
  full.url = base;
  full.voiceApiUrl = `${base}/api/v2`;
  full.tokenUrl = `${base}/api/v1/oauth2/token`;
  full.env = {
    BW_ACCOUNT_ID: ACCOUNT_ID,
    BW_CLIENT_ID: CLIENT_ID,
    BW_CLIENT_SECRET: CLIENT_SECRET,
    BANDWIDTH_VOICE_API_URL: full.voiceApiUrl,
    BANDWIDTH_TOKEN_URL: full.tokenUrl,
  };
  full.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return full;
}

/** A call as Bandwidth lists it, ended (state disconnected) unless the overrides say otherwise. */
export function listedCall(callId: string, startTime: string, overrides: Partial<ListedCall> = {}): ListedCall {
  const start = Date.parse(startTime);
  return {
    callId,
    parentCallId: null,
    applicationId: '04e88489-df02-4e34-a0ee-27a91849555f',
    accountId: ACCOUNT_ID,
    to: '+19195554312',
    from: '+19195551234',
    direction: 'outbound',
    state: 'disconnected',
    startTime: new Date(start).toISOString(),
    answerTime: new Date(start + 4_000).toISOString(),
    endTime: new Date(start + 64_500).toISOString(),
    disconnectCause: 'hangup',
    errorMessage: null,
    errorId: null,
    lastUpdate: new Date(start + 64_600).toISOString(),
    ...overrides,
  };
}
