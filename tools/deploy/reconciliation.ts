/**
 * Whether a stage is deployed with reconciliation, decided from the same Bandwidth API credentials `wire` and
 * `reconcile` use (BW_ACCOUNT_ID, BW_CLIENT_ID, BW_CLIENT_SECRET): with both ids it is on, and the client secret
 * is kept in the stage's Secrets Manager secret (created from BW_CLIENT_SECRET, or copied from the SSM parameter an
 * older stage kept it in; never replaced); without them it is off, and the stack has none of its parts.
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { UsageError } from '../cli/failures.ts';
import { clientSecretOfStage, clientSecretParameterOfStage } from '../stage/stage-names.ts';
import { ensureSecret, type PasswordOutcome, parameterExists } from './callback-password.ts';

type Env = Readonly<Record<string, string | undefined>>;

export const TURN_ON =
  'BW_ACCOUNT_ID=<account> BW_CLIENT_ID=<client id> BW_CLIENT_SECRET=<secret> npm run deploy -- --stage <stage>';

export type Reconciliation =
  | { on: false }
  | { on: true; accountId: string; clientId: string; secret: string; outcome: PasswordOutcome | 'copied' };

const setting = (env: Env, name: string) => {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
};

/** Refused before any AWS call: one id without the other. */
export function reconciliationIds(env: Env): { accountId: string; clientId: string } | undefined {
  const accountId = setting(env, 'BW_ACCOUNT_ID');
  const clientId = setting(env, 'BW_CLIENT_ID');
  if (accountId === undefined && clientId === undefined) return undefined;
  if (accountId === undefined || clientId === undefined) {
    throw new UsageError(`set both BW_ACCOUNT_ID and BW_CLIENT_ID for reconciliation, or neither (it is then off)`);
  }
  return { accountId, clientId };
}

async function parameterValue(ssm: SSMClient, name: string): Promise<string> {
  const { GetParameterCommand } = await import('@aws-sdk/client-ssm');
  const { Parameter } = await ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
  return Parameter?.Value ?? '';
}

export async function ensureReconciliation(
  stage: string,
  env: Env,
  stores: { secrets: SecretsManagerClient; ssm: SSMClient; keyId?: string | undefined },
): Promise<Reconciliation> {
  const ids = reconciliationIds(env);
  if (ids === undefined) return { on: false };
  const secret = clientSecretOfStage(stage);
  const given = setting(env, 'BW_CLIENT_SECRET');
  const parameter = clientSecretParameterOfStage(stage);
  let copied = false;
  const value = async () => {
    if (given !== undefined) return given;
    if (await parameterExists(stores.ssm, parameter)) {
      copied = true;
      return parameterValue(stores.ssm, parameter);
    }
    throw new UsageError(`secret ${secret} does not exist yet: set BW_CLIENT_SECRET to create it`);
  };
  const outcome = await ensureSecret(stores.secrets, {
    name: secret,
    value,
    description: 'Bandwidth API client secret for reconciliation (bandwidth-disconnect-recorder)',
    keyId: stores.keyId,
  });
  return { on: true, ...ids, secret, outcome: copied ? 'copied' : outcome };
}

export function reconciliationLine(reconciliation: Reconciliation): string {
  if (!reconciliation.on) return `reconciliation is off (no Bandwidth API credentials); to turn it on: ${TURN_ON}`;
  const where = `Secrets Manager secret ${reconciliation.secret}`;
  const secret = {
    created: `its client secret stored in the ${where}`,
    copied: `its client secret copied from the SSM parameter into the ${where} (delete the parameter when done)`,
    present: `its client secret already in the ${where}: left as it is`,
  }[reconciliation.outcome];
  return `reconciliation is on for Bandwidth account ${reconciliation.accountId}, ${secret}`;
}

/** serverless.yml's params for reconciliation: none when it is off. */
export function reconciliationParams(reconciliation: Reconciliation): string[] {
  return reconciliation.on
    ? [`--param=bandwidthAccountId=${reconciliation.accountId}`, `--param=bandwidthClientId=${reconciliation.clientId}`]
    : [];
}
