/**
 * What a deployed stage tells `wire`: the callback URL, the Basic auth username and the SSM parameter holding the
 * password, from the stage as tools/stage/resolve-stage.ts resolves it, and that password, read from SSM at the
 * moment of wiring. The AWS clients load only when a stage is actually consulted.
 */
import { resolveStage } from '../stage/resolve-stage.ts';
import { stackOfStage } from '../stage/stage-names.ts';

export interface StageOutputs {
  callbackUrl: string;
  /** Absent when the stage has callback auth off. */
  callbackUsername: string | undefined;
  callbackPasswordParameter: string | undefined;
}

export async function readStageOutputs(stage: string, region: string | undefined): Promise<StageOutputs> {
  const resolved = await resolveStage({ stage, env: process.env, region });
  if (resolved.callbackUrl === undefined) {
    throw new Error(`stack ${stackOfStage(stage)} has no DisconnectCallbackUrl output: is it deployed from this project?`);
  }
  return {
    callbackUrl: resolved.callbackUrl,
    callbackUsername: resolved.callbackUsername,
    callbackPasswordParameter: resolved.callbackPasswordParameter,
  };
}

export async function readCallbackPassword(parameterName: string, region: string | undefined): Promise<string> {
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
