/**
 * What a deployed stage tells `wire`: its stack's outputs (the callback URL, the Basic auth username, the SSM
 * parameter holding the password) and that password, read from SSM at the moment of wiring. The AWS clients load
 * only when a stage is actually consulted.
 */


export interface StageOutputs {
  callbackUrl: string;
  /** Absent when the stage has callback auth off. */
  callbackUsername: string | undefined;
  callbackPasswordParameter: string | undefined;
}

export async function readStageOutputs(stackName: string, region: string | undefined): Promise<StageOutputs> {
  const { CloudFormationClient, DescribeStacksCommand } = await import('@aws-sdk/client-cloudformation');
  const client = new CloudFormationClient(region === undefined ? {} : { region });
  try {
    const { Stacks = [] } = await client.send(new DescribeStacksCommand({ StackName: stackName }));
    const outputs = new Map((Stacks[0]?.Outputs ?? []).map((output) => [output.OutputKey, output.OutputValue]));
    const callbackUrl = outputs.get('DisconnectCallbackUrl');
    if (callbackUrl === undefined || callbackUrl === '') {
      throw new Error(`stack ${stackName} has no DisconnectCallbackUrl output: is it deployed from this project?`);
    }
    return {
      callbackUrl,
      callbackUsername: outputs.get('CallbackUsername') || undefined,
      callbackPasswordParameter: outputs.get('CallbackPasswordParameter') || undefined,
    };
  } finally {
    client.destroy();
  }
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
