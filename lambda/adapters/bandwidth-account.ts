/**
 * Which Bandwidth account reconciliation reads, and with what credentials, from the environment:
 * `BW_ACCOUNT_ID`, `BW_CLIENT_ID`, and the client secret either as `BW_CLIENT_SECRET` or, on a deployed stage,
 * in the SSM SecureString parameter `BW_CLIENT_SECRET_PARAMETER` names (read at run time, never in the function's
 * environment). `BANDWIDTH_VOICE_API_URL` and `BANDWIDTH_TOKEN_URL` move the APIs (tests, proxies).
 */

import { boundedCalls } from './aws-clients.ts';
import { BandwidthCallList, DEFAULT_VOICE_API_URL } from './bandwidth-calls.ts';
import { BandwidthTokenClient, type ClientCredentials, DEFAULT_TOKEN_URL } from './bandwidth-token.ts';

type Env = Readonly<Record<string, string | undefined>>;

export interface BandwidthAccountConfig {
  accountId: string;
  clientId: string;
  secret: { value: string } | { parameter: string };
  voiceApiUrl: string;
  tokenUrl: string;
}

/** A missing or unusable setting: the command answers it as a usage error, the function refuses to start. */
export class BandwidthConfigError extends Error {
  override name = 'BandwidthConfigError';
}

function setting(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function httpUrl(env: Env, name: string, fallback: string): string {
  const text = setting(env, name) ?? fallback;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new BandwidthConfigError(`${name} is not a URL: ${text}`);
  }
  if (
    url.protocol !== 'https:' &&
    !(url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname))
  ) {
    // The token and the client secret travel in these requests.
    throw new BandwidthConfigError(`${name} must be https (http only on loopback): ${text}`);
  }
  return text;
}

/** Fails closed: every setting named, before any request. */
export function readBandwidthAccount(env: Env): BandwidthAccountConfig {
  const missing = ['BW_ACCOUNT_ID', 'BW_CLIENT_ID'].filter((name) => setting(env, name) === undefined);
  const secret = setting(env, 'BW_CLIENT_SECRET');
  const parameter = setting(env, 'BW_CLIENT_SECRET_PARAMETER');
  if (secret === undefined && parameter === undefined) missing.push('BW_CLIENT_SECRET');
  if (missing.length > 0) {
    throw new BandwidthConfigError(`${missing.join(', ')} must be set (Bandwidth API credentials with Voice access)`);
  }
  return {
    accountId: setting(env, 'BW_ACCOUNT_ID') as string,
    clientId: setting(env, 'BW_CLIENT_ID') as string,
    secret: secret !== undefined ? { value: secret } : { parameter: parameter as string },
    voiceApiUrl: httpUrl(env, 'BANDWIDTH_VOICE_API_URL', DEFAULT_VOICE_API_URL),
    tokenUrl: httpUrl(env, 'BANDWIDTH_TOKEN_URL', DEFAULT_TOKEN_URL),
  };
}

/** The client secret from SSM, decrypted; the client is loaded only when a token is first needed. */
async function secretFromParameter(name: string, region: string | undefined): Promise<string> {
  const { SSMClient, GetParameterCommand } = await import('@aws-sdk/client-ssm');
  const client = new SSMClient({
    ...(region === undefined ? {} : { region }),
    ...boundedCalls({ attemptTimeoutMs: 3_000, connectTimeoutMs: 1_000, maxAttempts: 3 }),
  });
  try {
    const { Parameter } = await client.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
    if (Parameter?.Value === undefined || Parameter.Value === '')
      throw new Error(`SSM parameter ${name} holds no client secret`);
    return Parameter.Value;
  } finally {
    client.destroy();
  }
}

/** The account's call list, with one token client (the secret read once, the token cached until it expires). */
export function bandwidthCallList(config: BandwidthAccountConfig, region?: string): BandwidthCallList {
  const { secret } = config;
  const credentials: () => Promise<ClientCredentials> =
    'value' in secret
      ? () => Promise.resolve({ clientId: config.clientId, clientSecret: secret.value })
      : () =>
          secretFromParameter(secret.parameter, region).then((clientSecret) => ({
            clientId: config.clientId,
            clientSecret,
          }));
  const tokens = new BandwidthTokenClient({ tokenUrl: config.tokenUrl, credentials });
  return new BandwidthCallList({ apiBase: config.voiceApiUrl, accountId: config.accountId, tokens });
}
