/**
 * Which Bandwidth account reconciliation reads, and with what credentials, from the environment:
 * `BW_ACCOUNT_ID`, `BW_CLIENT_ID`, and the client secret either as `BW_CLIENT_SECRET` or, on a deployed stage,
 * in the Secrets Manager secret `BW_CLIENT_SECRET_SECRET` names, like the callback password (read at run time, never
 * in the function's environment). `BANDWIDTH_VOICE_API_URL` and `BANDWIDTH_TOKEN_URL` move the APIs (tests, proxies).
 */

import { boundedCalls } from './aws-clients.ts';
import { BandwidthCallList, DEFAULT_VOICE_API_URL } from './bandwidth-calls.ts';
import { BandwidthTokenClient, type ClientCredentials, DEFAULT_TOKEN_URL } from './bandwidth-token.ts';

type Env = Readonly<Record<string, string | undefined>>;

export interface BandwidthAccountConfig {
  accountId: string;
  clientId: string;
  secret: { value: string } | { secretName: string };
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
  const secretName = setting(env, 'BW_CLIENT_SECRET_SECRET');
  if (secret === undefined && secretName === undefined) missing.push('BW_CLIENT_SECRET');
  if (missing.length > 0) {
    throw new BandwidthConfigError(`${missing.join(', ')} must be set (Bandwidth API credentials with Voice access)`);
  }
  return {
    accountId: setting(env, 'BW_ACCOUNT_ID') as string,
    clientId: setting(env, 'BW_CLIENT_ID') as string,
    secret: secret !== undefined ? { value: secret } : { secretName: secretName as string },
    voiceApiUrl: httpUrl(env, 'BANDWIDTH_VOICE_API_URL', DEFAULT_VOICE_API_URL),
    tokenUrl: httpUrl(env, 'BANDWIDTH_TOKEN_URL', DEFAULT_TOKEN_URL),
  };
}

/** The client secret from Secrets Manager; the client is loaded only when a token is first needed. */
async function secretFromStore(name: string, region: string | undefined): Promise<string> {
  const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
  const client = new SecretsManagerClient({
    ...(region === undefined ? {} : { region }),
    ...boundedCalls({ attemptTimeoutMs: 3_000, connectTimeoutMs: 1_000, maxAttempts: 3 }),
  });
  try {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: name }));
    if (SecretString === undefined || SecretString.trim() === '')
      throw new Error(`Secrets Manager secret ${name} holds no client secret`);
    return SecretString;
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
          secretFromStore(secret.secretName, region).then((clientSecret) => ({
            clientId: config.clientId,
            clientSecret,
          }));
  const tokens = new BandwidthTokenClient({ tokenUrl: config.tokenUrl, credentials });
  return new BandwidthCallList({ apiBase: config.voiceApiUrl, accountId: config.accountId, tokens });
}
