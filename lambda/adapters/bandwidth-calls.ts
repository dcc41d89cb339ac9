/**
 * Bandwidth's Voice API call list, `GET {apiBase}/accounts/{accountId}/calls` ("Retrieve Call Information By
 * Query"): the calls that started in a time range, every page, following `Link: <…>; rel="next"`. Each request
 * has its own time limit and is retried as bandwidth-retry.ts says; the caller's signal bounds the whole run.
 */
import type { ListedCall } from '../domain/stored-record/backfilled-record.ts';
import type { RetryPolicy } from './bandwidth-retry.ts';
import { BandwidthApiError, type BandwidthTokenClient, retriedRequest } from './bandwidth-token.ts';

export const DEFAULT_VOICE_API_URL = 'https://voice.bandwidth.com/api/v2';
/** Bandwidth returns at most this many calls for one query, however many pages it takes. */
export const MAX_CALLS_PER_QUERY = 10_000;

export interface StartTimeRange {
  /** Calls that started at or after this instant… */
  from: Date;
  /** …and at or before this one. */
  to: Date;
}

export interface CallListOptions extends RetryPolicy {
  apiBase: string;
  accountId: string;
  tokens: BandwidthTokenClient;
  /** 1–1000, Bandwidth's default and maximum 1000. */
  pageSize?: number;
  /** One request, to the end of its answer. */
  requestTimeoutMs?: number;
}

export interface CallQuery {
  calls: ListedCall[];
  /** How many requests it took (pages and retries), for the run's report and cost. */
  requests: number;
}

/** Hand-written: one header, one relation; a library for RFC 8288 would cost more than these lines. */
export function nextLink(header: string | null): string | undefined {
  if (header === null) return undefined;
  for (const link of header.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>(.*)$/.exec(link);
    if (match !== null && /;\s*rel\s*=\s*"?(?:[^";]*\s)?next(?:\s[^";]*)?"?\s*(?:;|$)/i.test(match[2] ?? ''))
      return match[1];
  }
  return undefined;
}

function isListedCall(value: unknown): value is ListedCall {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { callId?: unknown }).callId === 'string' &&
    (value as { callId: string }).callId !== ''
  );
}

export class BandwidthCallList {
  private readonly origin: string;
  private readonly base: string;

  constructor(private readonly options: CallListOptions) {
    this.base = options.apiBase.replace(/\/+$/, '');
    this.origin = new URL(this.base).origin;
  }

  /** The account's calls that started in the range: every page of one query (Bandwidth stops at MAX_CALLS_PER_QUERY). */
  async query(range: StartTimeRange, signal?: AbortSignal): Promise<CallQuery> {
    const first = new URL(`${this.base}/accounts/${encodeURIComponent(this.options.accountId)}/calls`);
    first.searchParams.set('minStartTime', range.from.toISOString());
    first.searchParams.set('maxStartTime', range.to.toISOString());
    first.searchParams.set('pageSize', String(this.options.pageSize ?? 1000));
    const calls: ListedCall[] = [];
    let requests = 0;
    let url: string | undefined = first.toString();
    while (url !== undefined) {
      const page = await this.page(url, signal);
      requests += page.requests;
      calls.push(...page.calls);
      url = page.next;
      // The bearer token goes only where the calls are: a next link elsewhere is refused, not followed.
      if (url !== undefined && new URL(url, this.base).origin !== this.origin) {
        throw new BandwidthApiError(`Bandwidth's next-page link leaves ${this.origin}: ${url}`, 'answer');
      }
      if (url !== undefined) url = new URL(url, this.base).toString();
    }
    return { calls, requests };
  }

  private async page(
    url: string,
    signal: AbortSignal | undefined,
  ): Promise<{ calls: ListedCall[]; next: string | undefined; requests: number }> {
    let requests = 0;
    let refreshedToken = false;
    for (;;) {
      const {
        response,
        text: body,
        attempts,
      } = await retriedRequest({
        name: "Bandwidth's Voice API",
        where: this.origin,
        policy: this.options,
        timeoutMs: this.options.requestTimeoutMs ?? 15_000,
        signal,
        send: async (requestSignal) =>
          fetch(url, {
            headers: {
              Authorization: await this.options.tokens.authorization(signal),
              Accept: 'application/json',
              'User-Agent': 'bandwidth-disconnect-recorder',
            },
            signal: requestSignal,
          }),
      });
      requests += attempts;
      if (response.status === 401 && !refreshedToken) {
        // Revoked or expired early: one new token, then the answer stands.
        refreshedToken = true;
        this.options.tokens.invalidate();
        continue;
      }
      return { calls: this.callsIn(response, body, url), next: nextLink(response.headers.get('link')), requests };
    }
  }

  /** The calls in one page's answer, or the error that names what is wrong with it. */
  private callsIn(response: Response, body: string, url: string): ListedCall[] {
    if (response.status === 401 || response.status === 403) {
      throw new BandwidthApiError(
        `Bandwidth refused to list the calls of account ${this.options.accountId} (HTTP ${response.status}); check BW_ACCOUNT_ID and that the API credentials have Voice access`,
        'credentials',
        response.status,
      );
    }
    if (!response.ok) {
      throw new BandwidthApiError(
        `Bandwidth's Voice API answered ${response.status} to ${url}: ${body.slice(0, 300)}`,
        'answer',
        response.status,
      );
    }
    let calls: unknown;
    try {
      calls = JSON.parse(body);
    } catch {
      calls = undefined;
    }
    if (!Array.isArray(calls) || !calls.every(isListedCall)) {
      throw new BandwidthApiError(
        "Bandwidth's Voice API answered something other than a list of calls",
        'answer',
        response.status,
      );
    }
    return calls;
  }
}
