/**
 * Bandwidth's account (Dashboard) API, the calls `wire` and `verify` need: the partial update of a Voice application,
 * and reading where it sends its status callbacks.
 * Authenticated with API credentials through OAuth 2.0 client credentials (a Bearer token from Bandwidth's token
 * endpoint), or with a legacy API user's Basic auth, which Bandwidth has deprecated.
 */

import { BandwidthTokenClient, basicAuthorization, DEFAULT_TOKEN_URL } from '../../lambda/adapters/bandwidth-token.ts';
import { type StatusCallbackSettings, statusCallbackPatchXml, xmlElementText } from './application-callbacks.ts';

export const ACCOUNT_API = 'https://dashboard.bandwidth.com/api';
export const TOKEN_URL = DEFAULT_TOKEN_URL;

export type AccountApiAuth =
  | { kind: 'client-credentials'; clientId: string; clientSecret: string }
  | { kind: 'api-user'; username: string; password: string };

export interface AccountApiOptions {
  apiBase: string;
  tokenUrl: string;
  auth: AccountApiAuth;
  /** Per request. */
  timeoutMs?: number;
}

export class AccountApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'AccountApiError';
  }
}

const USER_AGENT = 'bandwidth-disconnect-recorder-wire';

/** Bandwidth's XML errors carry `<Description>` (and `<ErrorCode>`); anything else is shown as status only. */
function errorDetail(body: string): string {
  const description = xmlElementText(body, 'Description');
  const code = xmlElementText(body, 'ErrorCode') ?? xmlElementText(body, 'Code');
  if (description === undefined) return '';
  return code === undefined ? `: ${description}` : `: ${description} (error ${code})`;
}

export class BandwidthAccountApi {
  private readonly timeoutMs: number;
  /** The Authorization header: a cached Bearer token (client credentials), or the API user's Basic auth. */
  private readonly authorization: () => Promise<string>;

  constructor(private readonly options: AccountApiOptions) {
    this.timeoutMs = options.timeoutMs ?? 15_000;
    const { auth } = options;
    if (auth.kind === 'api-user') {
      const header = basicAuthorization(auth.username, auth.password);
      this.authorization = () => Promise.resolve(header);
    } else {
      const tokens = new BandwidthTokenClient({
        tokenUrl: options.tokenUrl,
        credentials: { clientId: auth.clientId, clientSecret: auth.clientSecret },
        timeoutMs: this.timeoutMs,
        userAgent: USER_AGENT,
      });
      this.authorization = () => tokens.authorization();
    }
  }

  private applicationUrl(accountId: string, applicationId: string): string {
    return `${this.options.apiBase.replace(/\/+$/, '')}/accounts/${encodeURIComponent(accountId)}/applications/${encodeURIComponent(applicationId)}`;
  }

  /** The application's CallStatusCallbackUrl (undefined when it has none). */
  async statusCallbackUrl(accountId: string, applicationId: string): Promise<string | undefined> {
    const response = await fetch(this.applicationUrl(accountId, applicationId), {
      headers: { Authorization: await this.authorization(), Accept: 'application/xml', 'User-Agent': USER_AGENT },
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const body = await response.text();
    if (!response.ok) {
      throw new AccountApiError(
        `Bandwidth did not show application ${applicationId} (HTTP ${response.status})${errorDetail(body)}`,
        response.status,
      );
    }
    return xmlElementText(body, 'CallStatusCallbackUrl');
  }

  /**
   * Changes only the status callback fields of the application, and checks that Bandwidth's answer shows the new
   * URL (an answer describing some other URL means the change did not take).
   */
  async updateStatusCallback(
    accountId: string,
    applicationId: string,
    settings: StatusCallbackSettings,
  ): Promise<void> {
    const response = await fetch(this.applicationUrl(accountId, applicationId), {
      method: 'PATCH',
      headers: {
        Authorization: await this.authorization(),
        'Content-Type': 'application/xml; charset=utf-8',
        Accept: 'application/xml',
        'User-Agent': USER_AGENT,
      },
      body: statusCallbackPatchXml(settings),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const body = await response.text();
    if (!response.ok) {
      throw new AccountApiError(
        `Bandwidth did not update application ${applicationId} (HTTP ${response.status})${errorDetail(body)}`,
        response.status,
      );
    }
    const applied = xmlElementText(body, 'CallStatusCallbackUrl');
    if (applied !== undefined && applied !== settings.url) {
      throw new AccountApiError(
        `Bandwidth answered ${response.status} but application ${applicationId} still sends disconnects to ${applied}`,
        response.status,
      );
    }
  }
}
