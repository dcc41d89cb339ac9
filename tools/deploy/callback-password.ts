import { randomBytes } from 'node:crypto';
import type { SSMClient } from '@aws-sdk/client-ssm';

export type PasswordOutcome = 'present' | 'created';

/**
 * Makes sure the stage's callback password exists as an SSM SecureString before its first deploy (CloudFormation
 * cannot create SecureStrings). An existing password is never read back or replaced; a new one is 32 random bytes,
 * base64, written with `Overwrite: false` so two deploys racing cannot swap it under Bandwidth.
 */
export async function ensureCallbackPassword(ssm: SSMClient, name: string, keyId?: string): Promise<PasswordOutcome> {
  const sdk = await import('@aws-sdk/client-ssm');
  try {
    await ssm.send(new sdk.GetParameterCommand({ Name: name, WithDecryption: false }));
    return 'present';
  } catch (error) {
    if (!(error instanceof sdk.ParameterNotFound)) throw error;
  }
  try {
    await ssm.send(
      new sdk.PutParameterCommand({
        Name: name,
        Type: 'SecureString',
        Value: randomBytes(32).toString('base64'),
        Overwrite: false,
        Description: 'HTTP Basic password Bandwidth sends with disconnect callbacks (bandwidth-disconnect-recorder)',
        ...(keyId === undefined ? {} : { KeyId: keyId }),
      }),
    );
    return 'created';
  } catch (error) {
    if (error instanceof sdk.ParameterAlreadyExists) return 'present';
    throw error;
  }
}
