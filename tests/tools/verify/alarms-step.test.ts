/**
 * The alarms step of verify, through the real CloudWatch client against a loopback CloudWatch that answers
 * DescribeAlarms in its own protocol (AWS JSON 1.0, `GraniteServiceVersion20100801.DescribeAlarms`), page by page.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { text } from 'node:stream/consumers';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alarmsStep, describeAlarmsWith } from '../../../tools/verify/steps.ts';
import type { VerifyTarget } from '../../../tools/verify/target.ts';

const STACK = 'bandwidth-disconnect-recorder-prod';
const target = { stack: { name: STACK, region: 'eu-west-1' } } as VerifyTarget;
/** All the alarms in the account; DescribeAlarms answers those with the asked prefix, two per page. */
let alarms: { AlarmName: string; StateValue: string }[] = [];
const requests: { AlarmNamePrefix?: string; NextToken?: string }[] = [];
let server: ReturnType<typeof createServer>;
let client: CloudWatchClient;

beforeAll(async () => {
  server = createServer(async (request, response) => {
    const body = JSON.parse(await text(request)) as { AlarmNamePrefix?: string; NextToken?: string };
    requests.push(body);
    response.setHeader('Content-Type', 'application/x-amz-json-1.0');
    if (request.headers['x-amz-target'] !== 'GraniteServiceVersion20100801.DescribeAlarms') {
      response.statusCode = 400;
      response.end(JSON.stringify({ __type: 'InvalidAction', message: 'not DescribeAlarms' }));
      return;
    }
    const matching = alarms.filter((alarm) => alarm.AlarmName.startsWith(body.AlarmNamePrefix ?? ''));
    const start = Number(body.NextToken ?? 0);
    const page = matching.slice(start, start + 2);
    const next = start + 2 < matching.length ? { NextToken: String(start + 2) } : {};
    response.end(JSON.stringify({ MetricAlarms: page, ...next }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  client = new CloudWatchClient({
    region: 'eu-west-1',
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-real-secret' },
  });
});
afterAll(() => {
  client.destroy();
  return new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('the alarms step of verify', () => {
  it("passes when none of the stack's alarms is in ALARM, reading every page and counting only this stack's", async () => {
    alarms = [
      { AlarmName: `${STACK}-DisconnectErrorsAlarm-1A2B3C`, StateValue: 'OK' },
      { AlarmName: `${STACK}-ParkedCallbacksAlarm-4D5E6F`, StateValue: 'INSUFFICIENT_DATA' },
      { AlarmName: `${STACK}-ReplayErrorsAlarm-7G8H9I`, StateValue: 'OK' },
      // Stage prod-eu's stack shares the prefix: its alarms are not prod's.
      { AlarmName: `${STACK}-eu-DisconnectErrorsAlarm-0J1K2L`, StateValue: 'ALARM' },
    ];
    requests.length = 0;
    expect(await alarmsStep(target, describeAlarmsWith(client))).toEqual({
      outcome: 'passed',
      line: `alarms: none of the 3 alarms of stack ${STACK} is in ALARM`,
    });
    expect(requests).toEqual([{ AlarmNamePrefix: `${STACK}-` }, { AlarmNamePrefix: `${STACK}-`, NextToken: '2' }]);
  });

  it('fails naming each alarm in ALARM', async () => {
    alarms = [
      { AlarmName: `${STACK}-ReplayErrorsAlarm-1A2B3C`, StateValue: 'ALARM' },
      { AlarmName: `${STACK}-ServerErrorsAlarm-X1`, StateValue: 'OK' },
    ];
    expect(await alarmsStep(target, describeAlarmsWith(client))).toEqual({
      outcome: 'failed',
      line: `alarms: in ALARM: ${STACK}-ReplayErrorsAlarm-1A2B3C (docs/deploying.md: troubleshooting)`,
    });
  });

  it('fails when the alarms cannot be read, and is skipped for the local stage', async () => {
    const refused = await alarmsStep(target, () => Promise.reject(new Error('AccessDenied')));
    expect(refused).toEqual({
      outcome: 'failed',
      line: `alarms: cannot read the alarms of stack ${STACK}: AccessDenied`,
    });
    expect(await alarmsStep({ stack: undefined } as VerifyTarget, async () => [])).toMatchObject({
      outcome: 'skipped',
    });
  });
});
