/**
 * The deploy's callback password step: which store a stage's password is in (made sure of, never replaced), how
 * deploy reports it, and the serverless params that point the stack at it.
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { passwordParameterOfStage, passwordSecretOfStage } from '../stage/stage-names.ts';
import {
  ensureCallbackPassword,
  ensureCallbackSecret,
  ensureStagePassword,
  type PasswordOutcome,
  type PasswordStore,
} from './callback-password.ts';

export interface DeployOptions {
  stage: string;
  auth: 'on' | 'off';
  secretName: string | undefined;
  parameterName: string | undefined;
  keyId: string | undefined;
}

const describeStore = (store: PasswordStore) =>
  store.kind === 'secret' ? `Secrets Manager secret ${store.name}` : `SSM parameter ${store.name}`;

export function report(store: PasswordStore, outcome: PasswordOutcome, kept: boolean): string {
  if (outcome === 'created')
    return `created the callback password in the ${describeStore(store)} (npm run wire gives it to Bandwidth)`;
  const present = `callback password in the ${describeStore(store)} already exists: left as it is`;
  return kept
    ? `${present}; the stage keeps reading it there (docs/deploying.md: moving it to Secrets Manager)`
    : present;
}

/** serverless.yml's params for the store the password is in; the defaults are left unsaid. */
export function storeParams(stage: string, store: PasswordStore): string[] {
  if (store.kind === 'secret') {
    return store.name === passwordSecretOfStage(stage) ? [] : [`--param=callbackPasswordSecret=${store.name}`];
  }
  const params = ['--param=callbackPasswordStore=parameter'];
  if (store.name !== passwordParameterOfStage(stage)) params.push(`--param=callbackPasswordParameter=${store.name}`);
  return params;
}

/** The callback password's store, made sure of; `undefined` with callback auth off. */
export async function ensurePassword(
  options: DeployOptions,
  secrets: SecretsManagerClient,
  ssm: SSMClient,
): Promise<{ store: PasswordStore; outcome: PasswordOutcome } | undefined> {
  const { stage, secretName, parameterName, keyId } = options;
  if (options.auth === 'off') return undefined;
  if (parameterName !== undefined) {
    const store: PasswordStore = { kind: 'parameter', name: parameterName };
    return { store, outcome: await ensureCallbackPassword(ssm, parameterName, keyId) };
  }
  if (secretName !== undefined) {
    const store: PasswordStore = { kind: 'secret', name: secretName };
    return { store, outcome: await ensureCallbackSecret(secrets, secretName, keyId) };
  }
  return ensureStagePassword({
    secrets,
    ssm,
    secretName: passwordSecretOfStage(stage),
    parameterName: passwordParameterOfStage(stage),
    keyId,
  });
}

/** For messages: where the callback password is looked for. */
export function passwordStoreOf({ stage, secretName, parameterName }: DeployOptions): string {
  if (parameterName !== undefined) return `SSM parameter ${parameterName}`;
  if (secretName !== undefined) return `Secrets Manager secret ${secretName}`;
  return `the callback password of stage ${stage} (Secrets Manager, or SSM for an older stage)`;
}
