/**
 * The steps of `verify`, each answering passed, failed or skipped with one line that says what was seen. They run in
 * Bandwidth's order: the challenge, the authenticated callback, its record, then what an operator watches.
 */
import { DescribeAlarmsCommand, type MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { basicAuthorization } from '../../lambda/adapters/bandwidth-token.ts';
import { reasonOf } from '../cli/aws-problems.ts';
import type { BandwidthAccountApi } from '../wire/account-api.ts';
import { CHECK_TAG, type CheckCallback, removeCheckRecord } from './check-callback.ts';
import type { VerifyTarget } from './target.ts';

export type StepOutcome = 'passed' | 'failed' | 'skipped';
export interface StepResult {
  outcome: StepOutcome;
  line: string;
}

const passed = (line: string): StepResult => ({ outcome: 'passed', line });
const failed = (line: string): StepResult => ({ outcome: 'failed', line });
const skipped = (line: string): StepResult => ({ outcome: 'skipped', line });

async function post(target: VerifyTarget, check: CheckCallback, authorization?: string): Promise<Response> {
  return fetch(target.url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'User-Agent': 'bandwidth-disconnect-recorder-verify',
      ...(authorization === undefined ? {} : { Authorization: authorization }),
    },
    body: JSON.stringify(check.body),
    signal: AbortSignal.timeout(15_000),
  });
}

/** Bandwidth first sends without credentials and expects the Basic challenge. */
export async function challengeStep(target: VerifyTarget, check: CheckCallback): Promise<StepResult> {
  if (target.credentials === undefined) return skipped('challenge: callback auth is off on this stage');
  try {
    const answer = await post(target, check);
    await answer.body?.cancel();
    const challenge = answer.headers.get('www-authenticate') ?? '';
    if (answer.status === 401 && /^Basic /i.test(challenge)) {
      return passed(`challenge: ${target.url} answers an unauthenticated callback 401 with ${challenge}`);
    }
    return failed(`challenge: expected 401 with a Basic challenge, got HTTP ${answer.status} from ${target.url}`);
  } catch (error) {
    return failed(`challenge: ${target.url} did not answer: ${reasonOf(error)}`);
  }
}

export async function callbackStep(target: VerifyTarget, check: CheckCallback): Promise<StepResult> {
  const { credentials } = target;
  const authorization =
    credentials === undefined ? undefined : basicAuthorization(credentials.username, credentials.password);
  try {
    const answer = await post(target, check, authorization);
    const body = await answer.text();
    if (answer.status === 204) return passed(`callback: the check callback ${check.callId} was answered 204`);
    const hint = answer.status === 401 ? " (the password Bandwidth is given is not the stage's: npm run wire)" : '';
    return failed(`callback: expected 204, got HTTP ${answer.status}${hint} ${body.slice(0, 200)}`.trimEnd());
  } catch (error) {
    return failed(`callback: ${target.url} did not answer: ${reasonOf(error)}`);
  }
}

/** The record read back, then removed (only a `verify-` record, tagged as a check, can be). */
export async function recordSteps(target: VerifyTarget, check: CheckCallback): Promise<StepResult[]> {
  let item: Record<string, unknown> | undefined;
  try {
    ({ Item: item } = await target.table.send(
      new GetCommand({ TableName: target.tableName, Key: { callId: check.callId }, ConsistentRead: true }),
    ));
  } catch (error) {
    return [failed(`record: cannot read table ${target.tableName}: ${reasonOf(error)}`)];
  }
  if (item === undefined || item['tag'] !== CHECK_TAG) {
    return [failed(`record: ${check.callId} is not in table ${target.tableName} (parked in the fallback bucket?)`)];
  }
  const read = passed(`record: ${check.callId} was read back from table ${target.tableName}`);
  try {
    await removeCheckRecord(target.table, target.tableName, check.callId);
    return [read, passed(`cleanup: the check record ${check.callId} was removed`)];
  } catch (error) {
    return [read, failed(`cleanup: could not remove ${check.callId}: ${reasonOf(error)}`)];
  }
}

/** CloudFormation names an alarm `<stack>-<logical id>-<suffix>`: another stage's longer stack name never matches. */
export async function alarmsStep(
  target: VerifyTarget,
  describe: (prefix: string) => Promise<MetricAlarm[]>,
): Promise<StepResult> {
  if (target.stack === undefined) return skipped('alarms: the local stage has none');
  const own = new RegExp(`^${target.stack.name}-[A-Za-z0-9]+-[A-Za-z0-9]+$`);
  let alarms: MetricAlarm[];
  try {
    alarms = (await describe(`${target.stack.name}-`)).filter((alarm) => own.test(alarm.AlarmName ?? ''));
  } catch (error) {
    return failed(`alarms: cannot read the alarms of stack ${target.stack.name}: ${reasonOf(error)}`);
  }
  const firing = alarms.filter((alarm) => alarm.StateValue === 'ALARM').map((alarm) => alarm.AlarmName);
  if (firing.length > 0) return failed(`alarms: in ALARM: ${firing.join(', ')} (docs/deploying.md: troubleshooting)`);
  return passed(`alarms: none of the ${alarms.length} alarms of stack ${target.stack.name} is in ALARM`);
}

/** Every page of DescribeAlarms for a name prefix. */
export function describeAlarmsWith(client: {
  send(command: DescribeAlarmsCommand): Promise<{ MetricAlarms?: MetricAlarm[]; NextToken?: string }>;
}) {
  return async (prefix: string): Promise<MetricAlarm[]> => {
    const alarms: MetricAlarm[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(new DescribeAlarmsCommand({ AlarmNamePrefix: prefix, NextToken: token }));
      alarms.push(...(page.MetricAlarms ?? []));
      token = page.NextToken;
    } while (token !== undefined);
    return alarms;
  };
}

export async function applicationStep(
  target: VerifyTarget,
  bandwidth: { api: BandwidthAccountApi; accountId: string; applicationId: string } | undefined,
): Promise<StepResult> {
  if (bandwidth === undefined) {
    return skipped(
      'application: no Bandwidth API credentials (BW_ACCOUNT_ID, BW_VOICE_APPLICATION_ID, BW_CLIENT_ID, BW_CLIENT_SECRET)',
    );
  }
  const application = `application ${bandwidth.applicationId}`;
  try {
    const url = await bandwidth.api.statusCallbackUrl(bandwidth.accountId, bandwidth.applicationId);
    if (url === target.url) return passed(`application: ${application} sends its status callbacks to ${url}`);
    return failed(
      `application: ${application} sends its status callbacks to ${url ?? 'nowhere'}, not ${target.url} (npm run wire)`,
    );
  } catch (error) {
    return failed(`application: ${reasonOf(error)}`);
  }
}
