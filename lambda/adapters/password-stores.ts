/**
 * The stores the callback password may be read from at run time: Secrets Manager or SSM Parameter Store (see
 * docs/deploying.md for which, by the numbers). Each client is the Lambda runtime's own AWS SDK, loaded on first use:
 * it costs nothing at cold start or in the bundle.
 */
import { boundedCalls, type CallLimits } from './aws-clients.ts';

/** One version of the password as a store holds it. */
export interface StoredPassword {
  password: string | undefined;
  /** When it became current (the store's own clock), when the store says. */
  changedAt: number | undefined;
  /** The password before it, read only when needed (a container started within the grace period). */
  previous: (signal: AbortSignal) => Promise<string | undefined>;
}

export interface PasswordStore {
  /** Names the secret or parameter, for messages. */
  readonly name: string;
  current(signal: AbortSignal): Promise<StoredPassword>;
}

/** Secrets Manager: the secret's AWSCURRENT string; AWSPREVIOUS is the password before the last rotation. */
export function secretsManagerStore(secretId: string, limits: CallLimits): PasswordStore {
  let sdk:
    | Promise<{
        client: import('@aws-sdk/client-secrets-manager').SecretsManagerClient;
        module: typeof import('@aws-sdk/client-secrets-manager');
      }>
    | undefined;
  const client = () =>
    (sdk ??= import('@aws-sdk/client-secrets-manager').then((module) => ({
      module,
      client: new module.SecretsManagerClient(boundedCalls(limits)),
    })));
  const read = async (stage: 'AWSCURRENT' | 'AWSPREVIOUS', abortSignal: AbortSignal) => {
    const { client: secrets, module } = await client();
    return secrets.send(new module.GetSecretValueCommand({ SecretId: secretId, VersionStage: stage }), { abortSignal });
  };
  return {
    name: `secret ${secretId}`,
    async current(signal) {
      const secret = await read('AWSCURRENT', signal);
      return {
        password: secret.SecretString,
        changedAt: secret.CreatedDate?.getTime(),
        previous: async (previousSignal) => {
          try {
            return (await read('AWSPREVIOUS', previousSignal)).SecretString;
          } catch (error) {
            // A secret never rotated has no AWSPREVIOUS version.
            if (error instanceof (await client()).module.ResourceNotFoundException) return undefined;
            throw error;
          }
        },
      };
    },
  };
}

/** SSM Parameter Store: the SecureString, decrypted; `name:version` selects the version before the current one. */
export function parameterStore(parameterName: string, limits: CallLimits): PasswordStore {
  let sdk:
    | Promise<{ client: import('@aws-sdk/client-ssm').SSMClient; module: typeof import('@aws-sdk/client-ssm') }>
    | undefined;
  const client = () =>
    (sdk ??= import('@aws-sdk/client-ssm').then((module) => ({
      module,
      client: new module.SSMClient(boundedCalls(limits)),
    })));
  const read = async (name: string, abortSignal: AbortSignal) => {
    const { client: ssm, module } = await client();
    return (await ssm.send(new module.GetParameterCommand({ Name: name, WithDecryption: true }), { abortSignal }))
      .Parameter;
  };
  return {
    name: `SSM parameter ${parameterName}`,
    async current(signal) {
      const parameter = await read(parameterName, signal);
      const version = parameter?.Version;
      return {
        password: parameter?.Value,
        changedAt: parameter?.LastModifiedDate?.getTime(),
        previous: async (previousSignal) =>
          version === undefined || version < 2
            ? undefined
            : (await read(`${parameterName}:${version - 1}`, previousSignal))?.Value,
      };
    },
  };
}
