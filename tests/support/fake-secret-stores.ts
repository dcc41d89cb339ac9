/**
 * Fake AWS secret stores on loopback, speaking the real AWS JSON 1.1 protocol (the SDK's own clients reach them
 * through AWS_ENDPOINT_URL_SECRETS_MANAGER / AWS_ENDPOINT_URL_SSM): Secrets Manager's GetSecretValue (AWSCURRENT,
 * AWSPREVIOUS) and SSM's GetParameter. Each can answer, throttle (`ThrottlingException`, as both services do past
 * their quota) or not answer at all, so the SDK's timeouts, retries and error parsing are what is tested.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { text } from 'node:stream/consumers';

export type StoreBehaviour = 'answer' | 'throttle' | 'hang';

export interface FakeSecretStore {
  endpoint: string;
  /** What the next requests get. */
  behaviour: StoreBehaviour;
  /** The current password, and when it became current (epoch ms). */
  password: string;
  changedAt: number;
  /** The password before it (AWSPREVIOUS; SSM's version before), if any. */
  previous: string | undefined;
  /** The targets (`secretsmanager.GetSecretValue`, `AmazonSSM.GetParameter`) of every request seen. */
  readonly requests: string[];
  /** The new password becomes current; the old one becomes the previous. */
  rotate(password: string): void;
  close(): Promise<void>;
}

function send(response: ServerResponse, status: number, body: unknown) {
  response.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.1', 'x-amzn-RequestId': 'fake' });
  response.end(JSON.stringify(body));
}

export async function fakeSecretStore(password: string): Promise<FakeSecretStore> {
  const sockets = new Set<Socket>();
  let version = 1;
  const store: Omit<FakeSecretStore, 'endpoint' | 'close'> = {
    behaviour: 'answer',
    password,
    changedAt: Date.now() - 86_400_000,
    previous: undefined,
    requests: [],
    rotate(next) {
      store.previous = store.password;
      store.password = next;
      store.changedAt = Date.now();
      version += 1;
    },
  };
  const server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    const target = String(request.headers['x-amz-target'] ?? '');
    const body = JSON.parse(await text(request)) as { SecretId?: string; VersionStage?: string; Name?: string };
    store.requests.push(target);
    if (store.behaviour === 'hang') return;
    if (store.behaviour === 'throttle') {
      send(response, 400, { __type: 'ThrottlingException', message: 'Rate exceeded' });
      return;
    }
    // The JSON protocol's timestamps are epoch seconds.
    const changed = store.changedAt / 1000;
    if (target === 'secretsmanager.GetSecretValue') {
      const previous = body.VersionStage === 'AWSPREVIOUS';
      if (previous && store.previous === undefined) {
        send(response, 400, {
          __type: 'ResourceNotFoundException',
          message: "Secrets Manager can't find the specified secret value for staging label: AWSPREVIOUS",
        });
        return;
      }
      send(response, 200, {
        ARN: `arn:aws:secretsmanager:us-east-1:123456789012:secret:${body.SecretId}-AbCdEf`,
        Name: body.SecretId,
        VersionId: `v${previous ? version - 1 : version}`,
        SecretString: previous ? store.previous : store.password,
        VersionStages: [previous ? 'AWSPREVIOUS' : 'AWSCURRENT'],
        CreatedDate: previous ? changed - 86_400 : changed,
      });
      return;
    }
    if (target === 'AmazonSSM.GetParameter') {
      const selector = /^(.*):(\d+)$/.exec(body.Name ?? '');
      const wanted = selector === null ? version : Number(selector[2]);
      const value = wanted === version ? store.password : wanted === version - 1 ? store.previous : undefined;
      if (value === undefined) {
        send(response, 400, { __type: 'ParameterVersionNotFound', message: `no version ${wanted}` });
        return;
      }
      send(response, 200, {
        Parameter: {
          Name: selector?.[1] ?? body.Name,
          Type: 'SecureString',
          Value: value,
          Version: wanted,
          LastModifiedDate: changed,
        },
      });
      return;
    }
    send(response, 400, { __type: 'UnknownOperationException', message: target });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(store, {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  });
}
