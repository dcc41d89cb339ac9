/**
 * Stand-ins on loopback for what `npm run wire` talks to: Bandwidth's OAuth token endpoint and account API, and
 * the two AWS APIs it reads a stage from (CloudFormation DescribeStacks, SSM GetParameter), each recording the
 * requests it receives exactly as they arrived.
 */

import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { text } from 'node:stream/consumers';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: Record<string, string | undefined>;
  body: string;
}

export interface FakeServer {
  url: string;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

async function serve(handle: (request: ReceivedRequest, response: ServerResponse) => void): Promise<FakeServer> {
  const requests: ReceivedRequest[] = [];
  const server: Server = createServer(async (incoming, response) => {
    const received: ReceivedRequest = {
      method: incoming.method ?? '',
      path: incoming.url ?? '',
      headers: {
        authorization: incoming.headers.authorization,
        'content-type': incoming.headers['content-type'],
        accept: incoming.headers.accept,
        'x-amz-target': incoming.headers['x-amz-target'] as string | undefined,
      },
      body: await text(incoming),
    };
    requests.push(received);
    handle(received, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export const FAKE_ACCESS_TOKEN = 'fake-access-token';

export interface FakeBandwidth extends FakeServer {
  /** What the account API answers to the PATCH; by default 200 with the application as updated. */
  refuseWith: { status: number; body: string } | undefined;
  /** The application's CallStatusCallbackUrl: what the last PATCH set, or what a test sets. */
  statusCallbackUrl: string | undefined;
}

/** Bandwidth: `POST /api/v1/oauth2/token`, and `GET` / `PATCH /api/accounts/{account}/applications/{application}`. */
export async function fakeBandwidth(): Promise<FakeBandwidth> {
  const state: Pick<FakeBandwidth, 'refuseWith' | 'statusCallbackUrl'> = {
    refuseWith: undefined,
    statusCallbackUrl: undefined,
  };
  const server = await serve((request, response) => {
    if (request.method === 'POST' && request.path === '/api/v1/oauth2/token') {
      response.setHeader('Content-Type', 'application/json');
      response.end(JSON.stringify({ access_token: FAKE_ACCESS_TOKEN, token_type: 'Bearer', expires_in: 3600 }));
      return;
    }
    const application = /^\/api\/accounts\/[^/]+\/applications\/([^/]+)$/.exec(request.path)?.[1];
    if (request.method === 'GET' && application !== undefined) {
      response.setHeader('Content-Type', 'application/xml');
      response.end(
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><ApplicationProvisioningResponse><Application>' +
          `<ApplicationId>${application}</ApplicationId><ServiceType>Voice-V2</ServiceType>` +
          `<CallStatusCallbackUrl>${state.statusCallbackUrl ?? ''}</CallStatusCallbackUrl>` +
          '</Application></ApplicationProvisioningResponse>',
      );
      return;
    }
    if (request.method === 'PATCH' && application !== undefined) {
      response.setHeader('Content-Type', 'application/xml');
      if (state.refuseWith !== undefined) {
        response.statusCode = state.refuseWith.status;
        response.end(state.refuseWith.body);
        return;
      }
      const url = /<CallStatusCallbackUrl>([^<]*)<\/CallStatusCallbackUrl>/.exec(request.body)?.[1] ?? '';
      state.statusCallbackUrl = url;
      response.end(
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><ApplicationProvisioningResponse><Application>' +
          `<ApplicationId>${application}</ApplicationId><ServiceType>Voice-V2</ServiceType><AppName>Inbound</AppName>` +
          `<CallInitiatedCallbackUrl>https://answer.example.com/initiate</CallInitiatedCallbackUrl>` +
          `<CallStatusCallbackUrl>${url}</CallStatusCallbackUrl>` +
          '</Application></ApplicationProvisioningResponse>',
      );
      return;
    }
    response.statusCode = 404;
    response.end();
  });
  // The settings object itself becomes the fake, so a test's changes reach the handler.
  return Object.assign(state, server);
}

export interface FakeAws extends FakeServer {
  stackOutputs: Record<string, string>;
  parameters: Record<string, string>;
  /** Secrets Manager secret name → its SecretString. */
  secrets: Record<string, string>;
}

function xmlText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * CloudFormation (query protocol, `Action=DescribeStacks`), SSM (JSON, `AmazonSSM.GetParameter`) and Secrets Manager
 * (JSON, `secretsmanager.GetSecretValue`) on one port.
 */
export async function fakeAws(): Promise<FakeAws> {
  const state: Pick<FakeAws, 'stackOutputs' | 'parameters' | 'secrets'> = {
    stackOutputs: {},
    parameters: {},
    secrets: {},
  };
  const server = await serve((request, response) => {
    if (request.headers['x-amz-target'] === 'secretsmanager.GetSecretValue') {
      const { SecretId } = JSON.parse(request.body) as { SecretId: string };
      response.setHeader('Content-Type', 'application/x-amz-json-1.1');
      const value = state.secrets[SecretId];
      if (value === undefined) {
        response.statusCode = 400;
        response.end(JSON.stringify({ __type: 'ResourceNotFoundException', message: `${SecretId} not found` }));
        return;
      }
      response.end(JSON.stringify({ Name: SecretId, SecretString: value, VersionStages: ['AWSCURRENT'] }));
      return;
    }
    if (request.headers['x-amz-target'] === 'AmazonSSM.GetParameter') {
      const { Name } = JSON.parse(request.body) as { Name: string };
      response.setHeader('Content-Type', 'application/x-amz-json-1.1');
      const value = state.parameters[Name];
      if (value === undefined) {
        response.statusCode = 400;
        response.end(JSON.stringify({ __type: 'ParameterNotFound', message: `${Name} not found` }));
        return;
      }
      response.end(JSON.stringify({ Parameter: { Name, Type: 'SecureString', Value: value, Version: 3 } }));
      return;
    }
    const form = new URLSearchParams(request.body);
    if (form.get('Action') === 'DescribeStacks') {
      const stackName = form.get('StackName') ?? '';
      const outputs = Object.entries(state.stackOutputs)
        .map(
          ([key, value]) =>
            `<member><OutputKey>${key}</OutputKey><OutputValue>${xmlText(value)}</OutputValue></member>`,
        )
        .join('');
      response.setHeader('Content-Type', 'text/xml');
      response.end(
        '<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks><member>' +
          `<StackName>${stackName}</StackName>` +
          `<StackId>arn:aws:cloudformation:us-east-1:111122223333:stack/${stackName}/0a1b2c3d</StackId>` +
          '<CreationTime>2026-01-05T10:00:00Z</CreationTime><StackStatus>UPDATE_COMPLETE</StackStatus>' +
          `<Outputs>${outputs}</Outputs>` +
          '</member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></DescribeStacksResponse>',
      );
      return;
    }
    response.statusCode = 400;
    response.end();
  });
  return Object.assign(state, server);
}
