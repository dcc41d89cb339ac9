/**
 * How the Serverless Framework names a stage's AWS resources (serverless.yml: `service`, `custom.tableName`,
 * `params.default.callbackPasswordSecret` and `callbackPasswordParameter`, `params.local.parkedBucket`). One place,
 * for what must be named before a stack exists (deploy's password secret or parameter) and for the local stage;
 * tests/tools/stage/stage-names.test.ts holds these against serverless.yml. A deployed stage's names come from its stack's outputs (resolve-stage.ts).
 */
export const SERVICE = 'bandwidth-disconnect-recorder';

export const stackOfStage = (stage: string): string => `${SERVICE}-${stage}`;
export const tableOfStage = (stage: string): string => `${SERVICE}-${stage}-disconnects`;
export const passwordSecretOfStage = (stage: string): string => `${SERVICE}/${stage}/callback-password`;
export const passwordParameterOfStage = (stage: string): string => `/${SERVICE}/${stage}/callback-password`;
/** Reconciliation's Bandwidth API client secret (`params.default.bandwidthClientSecretSecret`). */
export const clientSecretOfStage = (stage: string): string => `${SERVICE}/${stage}/bandwidth-client-secret`;
/** Where a stage kept that secret before Secrets Manager was its store (deploy copies it over). */
export const clientSecretParameterOfStage = (stage: string): string => `/${SERVICE}/${stage}/bandwidth-client-secret`;

/** The local stage (embedded stores): its table and fallback bucket, named by the local stage itself. */
export { LOCAL_BUCKET, LOCAL_TABLE } from '../local-stage/local-stage.ts';
