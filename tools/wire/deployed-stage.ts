/**
 * What a deployed stage tells `wire`: the callback URL, the Basic auth username and where the password is (its
 * Secrets Manager secret, or an older stage's SSM parameter), from the stage as tools/stage/resolve-stage.ts
 * resolves it, and that password, read from its store at the moment of wiring. The AWS clients load only when a
 * stage is actually consulted.
 */
import { resolveStage } from '../stage/resolve-stage.ts';
import { stackOfStage } from '../stage/stage-names.ts';

export interface StageOutputs {
  callbackUrl: string;
  /** Absent when the stage has callback auth off. */
  callbackUsername: string | undefined;
  /** Where the password is; absent when the stage has callback auth off. */
  callbackPassword: PasswordSource | undefined;
  /** The stage's region (the one region rule's, or the stack's own output): where its password is read. */
  region: string | undefined;
}

export type PasswordSource = { secret: string } | { parameter: string };

export async function readStageOutputs(stage: string, region: string | undefined): Promise<StageOutputs> {
  const resolved = await resolveStage({ stage, env: process.env, region });
  if (resolved.callbackUrl === undefined) {
    throw new Error(
      `stack ${stackOfStage(stage)} has no DisconnectCallbackUrl output: is it deployed from this project?`,
    );
  }
  return {
    callbackUrl: resolved.callbackUrl,
    region: resolved.region,
    callbackUsername: resolved.callbackUsername,
    callbackPassword:
      resolved.callbackPasswordSecret !== undefined
        ? { secret: resolved.callbackPasswordSecret }
        : resolved.callbackPasswordParameter !== undefined
          ? { parameter: resolved.callbackPasswordParameter }
          : undefined,
  };
}

export async function readCallbackPassword(source: PasswordSource, region: string | undefined): Promise<string> {
  return 'secret' in source ? readSecret(source.secret, region) : readParameter(source.parameter, region);
}

/** The secret's AWSCURRENT string, as the functions read it (lambda/adapters/callback-credentials.ts). */
async function readSecret(secretId: string, region: string | undefined): Promise<string> {
  const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
  const client = new SecretsManagerClient(region === undefined ? {} : { region });
  try {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    if (SecretString === undefined || SecretString === '')
      throw new Error(`secret ${secretId} holds no password (no SecretString)`);
    return SecretString;
  } finally {
    client.destroy();
  }
}

async function readParameter(parameterName: string, region: string | undefined): Promise<string> {
  const { SSMClient, GetParameterCommand } = await import('@aws-sdk/client-ssm');
  const client = new SSMClient(region === undefined ? {} : { region });
  try {
    const { Parameter } = await client.send(new GetParameterCommand({ Name: parameterName, WithDecryption: true }));
    const password = Parameter?.Value;
    if (password === undefined || password === '') throw new Error(`SSM parameter ${parameterName} holds no password`);
    return password;
  } finally {
    client.destroy();
  }
}
