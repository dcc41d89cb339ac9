import { randomBytes } from 'node:crypto';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SSMClient } from '@aws-sdk/client-ssm';

export type PasswordOutcome = 'present' | 'created';

/** Where a stage keeps its callback password: serverless.yml's `callbackPasswordStore` and the name it reads. */
export type PasswordStore = { kind: 'secret'; name: string } | { kind: 'parameter'; name: string };

const DESCRIPTION = 'HTTP Basic password Bandwidth sends with disconnect callbacks (bandwidth-disconnect-recorder)';

/** 32 random bytes, base64: what a new stage's password is, in either store. */
const newPassword = () => randomBytes(32).toString('base64');

/** A secret the stage names but that waits for deletion: creating it again fails, reading it fails too. */
export class SecretScheduledForDeletion extends Error {
  override name = 'SecretScheduledForDeletion';
}

/**
 * Makes sure the stage's callback password exists as a Secrets Manager secret before the deploy that reads it
 * (the stack only names it: a secret in the template would put the password in the template's parameters or
 * replace it on a stack update). An existing secret is never read back or replaced; a new one holds a random
 * password, and a deploy racing this one that creates it first wins (ResourceExistsException).
 */
export function ensureCallbackSecret(
  secrets: SecretsManagerClient,
  name: string,
  keyId?: string,
): Promise<PasswordOutcome> {
  return ensureSecret(secrets, { name, value: newPassword, description: DESCRIPTION, keyId });
}

/** A secret created with `value()` unless it exists; an existing one is never read back or replaced. */
export async function ensureSecret(
  secrets: SecretsManagerClient,
  secret: { name: string; value: () => string | Promise<string>; description: string; keyId?: string | undefined },
): Promise<PasswordOutcome> {
  const sdk = await import('@aws-sdk/client-secrets-manager');
  if (await secretExists(secrets, secret.name)) return 'present';
  try {
    await secrets.send(
      new sdk.CreateSecretCommand({
        Name: secret.name,
        SecretString: await secret.value(),
        Description: secret.description,
        ...(secret.keyId === undefined ? {} : { KmsKeyId: secret.keyId }),
      }),
    );
    return 'created';
  } catch (error) {
    if (error instanceof sdk.ResourceExistsException) return 'present';
    throw error;
  }
}

export async function secretExists(secrets: SecretsManagerClient, name: string): Promise<boolean> {
  const sdk = await import('@aws-sdk/client-secrets-manager');
  try {
    const secret = await secrets.send(new sdk.DescribeSecretCommand({ SecretId: name }));
    if (secret.DeletedDate !== undefined) {
      throw new SecretScheduledForDeletion(
        `secret ${name} is scheduled for deletion: restore it (aws secretsmanager restore-secret --secret-id ${name}), or name another with --password-secret`,
      );
    }
    return true;
  } catch (error) {
    if (error instanceof sdk.ResourceNotFoundException) return false;
    throw error;
  }
}

/**
 * The same for an SSM SecureString (CloudFormation cannot create SecureStrings), for a stage that keeps its
 * password in Parameter Store: written with `Overwrite: false` so two deploys racing cannot swap it under Bandwidth.
 */
export async function ensureCallbackPassword(ssm: SSMClient, name: string, keyId?: string): Promise<PasswordOutcome> {
  const sdk = await import('@aws-sdk/client-ssm');
  if (await parameterExists(ssm, name)) return 'present';
  try {
    await ssm.send(
      new sdk.PutParameterCommand({
        Name: name,
        Type: 'SecureString',
        Value: newPassword(),
        Overwrite: false,
        Description: DESCRIPTION,
        ...(keyId === undefined ? {} : { KeyId: keyId }),
      }),
    );
    return 'created';
  } catch (error) {
    if (error instanceof sdk.ParameterAlreadyExists) return 'present';
    throw error;
  }
}

export async function parameterExists(ssm: SSMClient, name: string): Promise<boolean> {
  const sdk = await import('@aws-sdk/client-ssm');
  try {
    await ssm.send(new sdk.GetParameterCommand({ Name: name, WithDecryption: false }));
    return true;
  } catch (error) {
    if (error instanceof sdk.ParameterNotFound) return false;
    throw error;
  }
}

/** A password Bandwidth could send but the recorder could never match usefully: empty, blank, or a quoted empty string. */
export class UnusablePassword extends Error {
  override name = 'UnusablePassword';
}

/**
 * Refuses an existing password that is empty, blank or a quoted empty string (`''`, `""`): Bandwidth would be given
 * it, and the stage would run with auth that means nothing, or refuse every callback. Read, never printed.
 */
export async function refuseUnusablePassword(
  store: PasswordStore,
  stores: { secrets: SecretsManagerClient; ssm: SSMClient },
): Promise<void> {
  let value: string | undefined;
  if (store.kind === 'secret') {
    const { GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
    ({ SecretString: value } = await stores.secrets.send(new GetSecretValueCommand({ SecretId: store.name })));
  } else {
    const { GetParameterCommand } = await import('@aws-sdk/client-ssm');
    const { Parameter } = await stores.ssm.send(new GetParameterCommand({ Name: store.name, WithDecryption: true }));
    value = Parameter?.Value;
  }
  const unquoted = (value ?? '').trim().replace(/^(['"])(.*)\1$/, '$2');
  if (unquoted.trim() === '') {
    const where = store.kind === 'secret' ? `Secrets Manager secret ${store.name}` : `SSM parameter ${store.name}`;
    throw new UnusablePassword(
      `the callback password in the ${where} is empty or a quoted empty string: put a real one there ` +
        '(Bandwidth must be given it again: npm run wire), or deploy with --callback-auth off',
    );
  }
}

export interface StageStores {
  secrets: SecretsManagerClient;
  ssm: SSMClient;
  secretName: string;
  parameterName: string;
  keyId?: string | undefined;
}

/**
 * The default for a stage: its secret (docs/deploying.md, the store by the numbers), created when the stage has
 * no password yet. A stage deployed before the secret was the default has only the SSM parameter: it keeps it
 * (Bandwidth holds that password), until the operator copies it into the secret (docs/deploying.md, migrating).
 */
export async function ensureStagePassword(
  stores: StageStores,
): Promise<{ store: PasswordStore; outcome: PasswordOutcome }> {
  const secret: PasswordStore = { kind: 'secret', name: stores.secretName };
  if (await secretExists(stores.secrets, stores.secretName)) return { store: secret, outcome: 'present' };
  if (await parameterExists(stores.ssm, stores.parameterName)) {
    return { store: { kind: 'parameter', name: stores.parameterName }, outcome: 'present' };
  }
  return { store: secret, outcome: await ensureCallbackSecret(stores.secrets, stores.secretName, stores.keyId) };
}
