/**
 * `npm run verify -- --stage <stage>`: checks a stage from the outside, as Bandwidth uses it (steps.ts), one line
 * per step; exit 0 only when no step failed. What it writes (one `verify-` record) it removes.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { awsProblem } from '../cli/aws-problems.ts';
import { EXIT, parseCommandLine, UsageError } from '../cli/command-line.ts';
import { ACCOUNT_API, type AccountApiAuth, BandwidthAccountApi, TOKEN_URL } from '../wire/account-api.ts';
import { apiUrl } from '../wire/cli.ts';
import { checkCallback } from './check-callback.ts';
import {
  alarmsStep,
  applicationStep,
  callbackStep,
  challengeStep,
  describeAlarmsWith,
  recordSteps,
  type StepResult,
} from './steps.ts';
import { LOCAL_CALLBACK_URL, type VerifyTarget, verifyTarget } from './target.ts';

type Env = Readonly<Record<string, string | undefined>>;

export const VERIFY_USAGE = `Usage: npm run verify -- --stage <stage> [options]

Checks a stage from the outside, the way Bandwidth uses it, and says in one line per step what passed:
  challenge    an unauthenticated callback is answered 401 with the Basic challenge (skipped with auth off)
  callback     an authenticated check callback (callId verify-..., tagged as a check) is answered 204
  record       its record is read back from the stage's table
  cleanup      the check record is removed (only verify- records can be), so no report counts it
  alarms       none of the stack's alarms is in ALARM (skipped for the local stage)
  application  the Voice application's status callback URL is this stage's (with Bandwidth API credentials)

  --stage <stage>          a deployed stage, or local (npm run offline's ${LOCAL_CALLBACK_URL})
  --region <region>        its region (else AWS_REGION, AWS_DEFAULT_REGION, the profile's)
  --profile <profile>      the AWS profile to use (else AWS_PROFILE)
  --url <url>              send the callbacks here instead (the local stage on another port, say)
  --account-id <id>        Bandwidth account (or BW_ACCOUNT_ID), for the application step
  --application-id <id>    the Voice application (or BW_VOICE_APPLICATION_ID)
  --api <url>              Bandwidth's account API (default ${ACCOUNT_API})
  --token-url <url>        Bandwidth's OAuth token endpoint (default ${TOKEN_URL})
  -h, --help               this help

The local stage's callback credentials are BANDWIDTH_CALLBACK_USERNAME and BANDWIDTH_CALLBACK_PASSWORD when set
(as its handler reads them); a deployed stage's come from its stack and its password's store.

Exit codes: 0 every step passed (or was skipped, as said), 1 a step failed, 2 bad option or value, 3 the stack,
the table or the password's store unreachable, or region, profile or credentials missing (see docs/commands.md).`;

const nonEmpty = (value: string | undefined) => (value === undefined || value === '' ? undefined : value);

function bandwidthAuth(env: Env): AccountApiAuth | undefined {
  const clientId = nonEmpty(env['BW_CLIENT_ID']);
  const clientSecret = nonEmpty(env['BW_CLIENT_SECRET']);
  if (clientId !== undefined && clientSecret !== undefined)
    return { kind: 'client-credentials', clientId, clientSecret };
  const username = nonEmpty(env['BW_USERNAME']);
  const password = nonEmpty(env['BW_PASSWORD']);
  return username !== undefined && password !== undefined ? { kind: 'api-user', username, password } : undefined;
}

function parseVerifyArguments(argv: readonly string[], env: Env) {
  const { values } = parseCommandLine(argv, {
    stage: { type: 'string' },
    region: { type: 'string' },
    profile: { type: 'string' },
    url: { type: 'string' },
    'account-id': { type: 'string' },
    'application-id': { type: 'string' },
    api: { type: 'string', default: ACCOUNT_API },
    'token-url': { type: 'string', default: TOKEN_URL },
  });
  const stage = nonEmpty(values.stage);
  if (stage === undefined || !/^[A-Za-z0-9-]{1,32}$/.test(stage)) {
    throw new UsageError('--stage must name a deployed stage (letters, digits, -) or local');
  }
  if (values.url !== undefined && !/^https?:\/\//.test(values.url))
    throw new UsageError(`--url is not a URL: ${values.url}`);
  const accountId = nonEmpty(values['account-id']) ?? nonEmpty(env['BW_ACCOUNT_ID']);
  const applicationId = nonEmpty(values['application-id']) ?? nonEmpty(env['BW_VOICE_APPLICATION_ID']);
  const auth = bandwidthAuth(env);
  const bandwidth =
    accountId === undefined || applicationId === undefined || auth === undefined
      ? undefined
      : {
          accountId,
          applicationId,
          api: new BandwidthAccountApi({
            apiBase: apiUrl('--api', values.api),
            tokenUrl: apiUrl('--token-url', values['token-url']),
            auth,
          }),
        };
  return { stage, region: values.region, profile: values.profile, url: values.url, bandwidth };
}

async function runSteps(target: VerifyTarget, bandwidth: Parameters<typeof applicationStep>[1]) {
  const check = checkCallback();
  const results: StepResult[] = [await challengeStep(target, check)];
  const callback = await callbackStep(target, check);
  results.push(callback);
  if (callback.outcome === 'passed') results.push(...(await recordSteps(target, check)));
  const cloudWatch = target.stack === undefined ? undefined : new CloudWatchClient({ region: target.stack.region });
  try {
    results.push(await alarmsStep(target, describeAlarmsWith(cloudWatch ?? { send: () => Promise.resolve({}) })));
  } finally {
    cloudWatch?.destroy();
  }
  results.push(await applicationStep(target, bandwidth));
  return results;
}

export async function runVerify(argv: readonly string[], env: Env = process.env): Promise<number> {
  const request = parseVerifyArguments(argv, env);
  let target: VerifyTarget;
  try {
    target = await verifyTarget(request, env);
  } catch (error) {
    throw awsProblem(error, `stage ${request.stage}`);
  }
  try {
    console.log(`verifying ${target.description}: ${target.url}`);
    const results = await runSteps(target, request.bandwidth);
    for (const { outcome, line } of results) console.log(`${outcome.padEnd(7)} ${line}`);
    const failures = results.filter((result) => result.outcome === 'failed').length;
    console.log(failures === 0 ? 'verified: every step passed' : `${failures} step(s) failed`);
    return failures === 0 ? EXIT.ok : EXIT.failed;
  } finally {
    await target.close();
  }
}
