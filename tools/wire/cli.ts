/**
 * `npm run wire -- ...`: points a Bandwidth Voice application's disconnect callbacks (`CallStatusCallbackUrl`,
 * `CallStatusMethod`, `CallbackCreds`) at a deployed stage of the recorder. Arguments are read and checked here,
 * before anything is sent anywhere; tools/bin/wire.ts only runs it.
 */
import { oneOf, parseCommandLine, UsageError } from '../cli/command-line.ts';
import { ACCOUNT_API, type AccountApiAuth, BandwidthAccountApi, TOKEN_URL } from './account-api.ts';
import {
  type CallbackMethod,
  describeSettings,
  type StatusCallbackSettings,
  statusCallbackPatchXml,
} from './application-callbacks.ts';
import { type PasswordSource, readCallbackPassword, readStageOutputs } from './deployed-stage.ts';

export const WIRE_USAGE = `Usage: npm run wire -- --account-id <id> --application-id <id> (--stage <name> | --url <https://...>) [options]

Points the Voice application's CallStatusCallbackUrl, CallStatusMethod and CallbackCreds at the recorder, through
Bandwidth's account API (a partial update: the application's other settings stay). By default the URL, the username
and the password come from the stage: its CloudFormation stack's outputs, and the Secrets Manager secret (or, for a
stage deployed before the secret was the default, the SSM parameter) they name.

  --account-id <id>          Bandwidth account (or BW_ACCOUNT_ID)
  --application-id <id>      the Voice application (or BW_VOICE_APPLICATION_ID)
  --stage <name>             the deployed stage to read (stack bandwidth-disconnect-recorder-<name>)
  --region <region>          its region (else AWS_REGION / AWS_DEFAULT_REGION)
  --profile <name>           AWS profile for reading the stack and the password
  --url <url>                this callback URL instead of the stack's DisconnectCallbackUrl
  --method POST|GET          CallStatusMethod (default POST)
  --username <name>          this Basic auth username instead of the stack's CallbackUsername
  --password-secret <name>   read the password from this Secrets Manager secret instead of the stack's
  --password-parameter <p>   read the password from this SSM parameter instead of the stack's
                             (BANDWIDTH_CALLBACK_PASSWORD in the environment, when set, is used as the password)
  --no-credentials           set the URL and method only, leaving CallbackCreds as they are (a stage without auth)
  --api <url>                Bandwidth's account API (default ${ACCOUNT_API})
  --token-url <url>          Bandwidth's OAuth token endpoint (default ${TOKEN_URL})
  --dry-run                  print the request (password masked) and send nothing
  -h, --help                 this help

Bandwidth API access: BW_CLIENT_ID and BW_CLIENT_SECRET (API credentials, OAuth 2.0), or BW_USERNAME and
BW_PASSWORD (a legacy API user, deprecated by Bandwidth).
Note: an application has one CallbackCreds for all its callbacks; its initiate (answer) webhook gets them too.

Exit codes: 0 Bandwidth took the change (or a dry run), 1 Bandwidth refused it, 2 bad option or value (nothing
sent), 3 the stack, the password's store or Bandwidth's API unreachable, or region or credentials missing (see docs/commands.md).`;

/** A mistake in the arguments or the environment: nothing was sent. */
export class WireUsageError extends UsageError {}

export interface WireRequest {
  accountId: string;
  applicationId: string;
  stage: string | undefined;
  region: string | undefined;
  profile: string | undefined;
  url: string | undefined;
  method: CallbackMethod;
  /** `false`: leave CallbackCreds unchanged. */
  credentials:
    | false
    | { username: string | undefined; passwordSource: PasswordSource | undefined; password: string | undefined };
  apiBase: string;
  tokenUrl: string;
  /** Undefined only for a dry run. */
  auth: AccountApiAuth | undefined;
  dryRun: boolean;
}

type Env = Readonly<Record<string, string | undefined>>;

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Where Bandwidth API credentials go: https, or plain http to this machine only (a test double). */
export function apiUrl(name: string, text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new WireUsageError(`${name} is not a URL: ${text}`);
  }
  if (url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname))) return text;
  throw new WireUsageError(`${name} must be https (it receives your Bandwidth API credentials): ${text}`);
}

/** Bandwidth asks for https when credentials are used; without them http is the operator's choice. */
export function checkCallbackUrl(text: string, withCredentials: boolean): void {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new WireUsageError(`the callback URL is not a URL: ${text}`);
  }
  if (url.protocol === 'https:') return;
  if (url.protocol === 'http:' && !withCredentials) return;
  if (url.protocol === 'http:') {
    throw new WireUsageError(
      `refusing ${text}: Bandwidth would send the callback password in clear over http. Use an https URL, or --no-credentials`,
    );
  }
  throw new WireUsageError(`the callback URL must be https: ${text}`);
}

function accountAuth(env: Env, dryRun: boolean): AccountApiAuth | undefined {
  const clientId = nonEmpty(env['BW_CLIENT_ID']);
  const clientSecret = nonEmpty(env['BW_CLIENT_SECRET']);
  if (clientId !== undefined && clientSecret !== undefined)
    return { kind: 'client-credentials', clientId, clientSecret };
  const username = nonEmpty(env['BW_USERNAME']);
  const password = nonEmpty(env['BW_PASSWORD']);
  if (username !== undefined && password !== undefined) return { kind: 'api-user', username, password };
  if (dryRun) return undefined;
  throw new WireUsageError(
    "set BW_CLIENT_ID and BW_CLIENT_SECRET (or BW_USERNAME and BW_PASSWORD) for Bandwidth's API",
  );
}

export function parseWireArguments(args: readonly string[], env: Env): WireRequest {
  const { values } = parseCommandLine(args, {
    'account-id': { type: 'string' },
    'application-id': { type: 'string' },
    stage: { type: 'string' },
    region: { type: 'string' },
    profile: { type: 'string' },
    url: { type: 'string' },
    method: { type: 'string', default: 'POST' },
    username: { type: 'string' },
    'password-secret': { type: 'string' },
    'password-parameter': { type: 'string' },
    'no-credentials': { type: 'boolean', default: false },
    api: { type: 'string', default: ACCOUNT_API },
    'token-url': { type: 'string', default: TOKEN_URL },
    'dry-run': { type: 'boolean', default: false },
  });
  const accountId = nonEmpty(values['account-id']) ?? nonEmpty(env['BW_ACCOUNT_ID']);
  const applicationId = nonEmpty(values['application-id']) ?? nonEmpty(env['BW_VOICE_APPLICATION_ID']);
  if (accountId === undefined) throw new WireUsageError('--account-id (or BW_ACCOUNT_ID) is required');
  if (applicationId === undefined)
    throw new WireUsageError('--application-id (or BW_VOICE_APPLICATION_ID) is required');
  const stage = nonEmpty(values.stage);
  const url = nonEmpty(values.url);
  if (stage === undefined && url === undefined)
    throw new WireUsageError('say which deployed stage to wire (--stage), or give --url');
  const method = oneOf(values.method.toUpperCase(), '--method', ['POST', 'GET'] as const);
  const withCredentials = !values['no-credentials'];
  if (url !== undefined) checkCallbackUrl(url, withCredentials);
  const passwordSecret = nonEmpty(values['password-secret']);
  const passwordParameter = nonEmpty(values['password-parameter']);
  if (passwordSecret !== undefined && passwordParameter !== undefined) {
    throw new WireUsageError('give --password-secret or --password-parameter, not both');
  }
  const credentials = withCredentials
    ? {
        username: nonEmpty(values.username),
        passwordSource:
          passwordSecret !== undefined
            ? { secret: passwordSecret }
            : passwordParameter !== undefined
              ? { parameter: passwordParameter }
              : undefined,
        password: nonEmpty(env['BANDWIDTH_CALLBACK_PASSWORD']),
      }
    : false;
  const needsStage =
    url === undefined ||
    (credentials !== false &&
      (credentials.username === undefined ||
        (credentials.password === undefined && credentials.passwordSource === undefined)));
  if (needsStage && stage === undefined) {
    throw new WireUsageError(
      'the username and password come from a stage: give --stage, or --username with BANDWIDTH_CALLBACK_PASSWORD',
    );
  }
  const dryRun = values['dry-run'];
  return {
    accountId,
    applicationId,
    stage,
    region: nonEmpty(values.region) ?? nonEmpty(env['AWS_REGION']) ?? nonEmpty(env['AWS_DEFAULT_REGION']),
    profile: nonEmpty(values.profile),
    url,
    method,
    credentials,
    apiBase: apiUrl('--api', values.api),
    tokenUrl: apiUrl('--token-url', values['token-url']),
    auth: accountAuth(env, dryRun),
    dryRun,
  };
}

export interface WireOutput {
  info(line: string): void;
  warn(line: string): void;
}

/** Reads what the stage knows (only what the arguments left open), then sends the one PATCH. */
export async function runWire(request: WireRequest, output: WireOutput): Promise<StatusCallbackSettings> {
  const { credentials, stage, region } = request;
  const stackNeeded =
    request.url === undefined ||
    (credentials !== false &&
      (credentials.username === undefined ||
        (credentials.password === undefined && credentials.passwordSource === undefined)));
  const outputs = stackNeeded && stage !== undefined ? await readStageOutputs(stage, region) : undefined;
  const url = request.url ?? outputs?.callbackUrl;
  if (url === undefined) throw new WireUsageError('no callback URL: give --url or --stage');
  let settingsCredentials: StatusCallbackSettings['credentials'];
  if (credentials !== false) {
    const username = credentials.username ?? outputs?.callbackUsername;
    if (username === undefined) {
      throw new WireUsageError(
        `stage ${stage ?? ''} has callback auth off (no CallbackUsername output): use --no-credentials`,
      );
    }
    let password = credentials.password;
    if (password === undefined) {
      const source = credentials.passwordSource ?? outputs?.callbackPassword;
      if (source === undefined)
        throw new WireUsageError('no password store: give --password-secret or --password-parameter');
      password = await readCallbackPassword(source, outputs?.region ?? region);
    }
    settingsCredentials = { username, password };
  }
  checkCallbackUrl(url, settingsCredentials !== undefined);
  const settings: StatusCallbackSettings = { url, method: request.method, credentials: settingsCredentials };
  const target = `application ${request.applicationId} of account ${request.accountId}`;
  if (request.dryRun) {
    const masked =
      settings.credentials === undefined
        ? settings
        : { ...settings, credentials: { ...settings.credentials, password: '********' } };
    output.info(
      `dry run: would PATCH ${request.apiBase}/accounts/${request.accountId}/applications/${request.applicationId} with`,
    );
    output.info(statusCallbackPatchXml(masked));
    return settings;
  }
  if (request.auth === undefined) throw new WireUsageError('no Bandwidth API credentials');
  if (request.auth.kind === 'api-user') {
    output.warn('using a legacy API user (BW_USERNAME/BW_PASSWORD); Bandwidth has deprecated them for API credentials');
  }
  const api = new BandwidthAccountApi({ apiBase: request.apiBase, tokenUrl: request.tokenUrl, auth: request.auth });
  await api.updateStatusCallback(request.accountId, request.applicationId, settings);
  output.info(`${target}: ${describeSettings(settings)}`);
  return settings;
}
