/**
 * CloudFormation on loopback, speaking its Query protocol (form-encoded `Action=DescribeStacks`, XML answers,
 * `ValidationError` for a stack that does not exist), with the stacks a test gives it; it records every action.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { text } from 'node:stream/consumers';

export interface FakeCloudFormation {
  url: string;
  /** Stack name → its outputs. */
  stacks: Map<string, Record<string, string>>;
  /** `Action StackName` of each request, in order. */
  calls: string[];
  close(): Promise<void>;
}

const xml = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export async function fakeCloudFormation(): Promise<FakeCloudFormation> {
  const stacks = new Map<string, Record<string, string>>();
  const calls: string[] = [];
  const server = createServer(async (request, response) => {
    const form = new URLSearchParams(await text(request));
    const stackName = form.get('StackName') ?? '';
    calls.push(`${form.get('Action')} ${stackName}`);
    response.setHeader('Content-Type', 'text/xml');
    const outputs = stacks.get(stackName);
    if (form.get('Action') !== 'DescribeStacks' || outputs === undefined) {
      response.statusCode = 400;
      response.end(
        '<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><Error><Type>Sender</Type>' +
          `<Code>ValidationError</Code><Message>Stack with id ${xml(stackName)} does not exist</Message></Error>` +
          '<RequestId>2</RequestId></ErrorResponse>',
      );
      return;
    }
    const members = Object.entries(outputs)
      .map(([key, value]) => `<member><OutputKey>${key}</OutputKey><OutputValue>${xml(value)}</OutputValue></member>`)
      .join('');
    response.end(
      '<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks><member>' +
        `<StackName>${xml(stackName)}</StackName>` +
        `<StackId>arn:aws:cloudformation:eu-west-1:111122223333:stack/${xml(stackName)}/0a1b2c3d</StackId>` +
        '<CreationTime>2026-01-05T10:00:00Z</CreationTime><StackStatus>UPDATE_COMPLETE</StackStatus>' +
        `<Outputs>${members}</Outputs>` +
        '</member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></DescribeStacksResponse>',
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stacks,
    calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
