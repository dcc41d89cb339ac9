/** Bandwidth Voice Disconnect callback → one record in DynamoDB (else the fallback bucket) → 204. */
import middy from '@middy/core';
import { answerCallLimits } from '../lambda/adapters/aws-clients.ts';
import { callbackCredentials, FORCED_READ_SPACING_MS } from '../lambda/adapters/callback-credentials.ts';
import { DisconnectsTable } from '../lambda/adapters/disconnects-table.ts';
import { ParkedCallbacks } from '../lambda/adapters/parked-callbacks.ts';
import { readConfig } from '../lambda/config.ts';
import { type CallbackVerdict, validateCallback } from '../lambda/domain/callback/validate.ts';
import { toDisconnectRecord } from '../lambda/domain/stored-record/disconnect-record.ts';
import type { ApiGatewayEvent, ApiGatewayResult } from '../lambda/http/api-gateway.ts';
import { basicAuth, noAuthentication } from '../lambda/http/basic-auth.ts';
import { readCallbackBody } from '../lambda/http/callback-body.ts';
import { callbackLog, OUTCOME_HEADER, withRequestIds } from '../lambda/http/callback-log.ts';
import { readCallbackRequest } from '../lambda/http/callback-request.ts';
import { errorResponses } from '../lambda/http/error-responses.ts';
import { parseJsonBody } from '../lambda/http/json-body.ts';
import { refusalKeeper } from '../lambda/http/keep-rejected.ts';
import { logger } from '../lambda/log/logger.ts';
import { type KeepOutcome, recordKeeper, unverifiedKeeper } from '../lambda/recording/keep-record.ts';

// Built once per container.
const config = readConfig();
const limits = answerCallLimits(config.answerBudgetMs);
const table = new DisconnectsTable({
  tableName: config.tableName,
  region: config.region,
  endpoint: config.dynamoEndpoint,
  limits: limits.table,
});
const parked =
  config.parkedBucket === undefined
    ? undefined
    : new ParkedCallbacks({
        bucket: config.parkedBucket,
        region: config.region,
        endpoint: config.s3Endpoint,
        limits: limits.fallback,
      });
// A failed password read pauses further reads (docs/deploying.md: bounded under attack).
const credentials =
  config.auth === undefined
    ? undefined
    : callbackCredentials(config.auth, limits.credentials, { pauseAfterFailedReadMs: FORCED_READ_SPACING_MS });
const authenticate = credentials === undefined ? noAuthentication : basicAuth(credentials);
const quarantineRefusal = refusalKeeper(parked);
const keepRecord = recordKeeper({ table, parked });
const keepUnverified = unverifiedKeeper(parked);
const answered = (outcome: KeepOutcome): ApiGatewayResult => ({
  statusCode: 204,
  headers: { [OUTCOME_HEADER]: outcome },
});

/** One callback, top to bottom; a refusal or failure is thrown, and answered by errorResponses. */
async function recordDisconnect(event: ApiGatewayEvent): Promise<ApiGatewayResult> {
  const { form, receivedAt, budget } = readCallbackRequest(event, config.answerBudgetMs);
  const auth = await authenticate(event, budget); // throws the 401 challenge
  const { sent, bodyDeviations } = readCallbackBody(event, form, config.maxBodyBytes); // throws 413
  // An unverified body is kept as sent, unread: only replay, once its credentials check, may refuse it.
  if (!auth.verified) return answered(await keepUnverified(sent, auth.presented, receivedAt, budget));

  let body: unknown;
  let verdict: CallbackVerdict;
  try {
    body = parseJsonBody(event, sent.body); // middy's parser: 422 for what is not JSON
    verdict = validateCallback(body, form); // Ajv: the record tier refuses, the spec tier names deviations
  } catch (error) {
    const callId = (body as { callId?: unknown } | undefined)?.callId;
    throw await quarantineRefusal(error, { sent, callId, receivedAt, budget });
  }
  const { callback } = verdict;
  const specDeviations = [...bodyDeviations, ...verdict.specDeviations];
  // Stored all the same; the line is what an operator counts (the SpecDeviations metric filter).
  if (specDeviations.length > 0)
    logger.warn('disconnect callback off spec', { callId: callback.callId, specDeviations });
  const record = toDisconnectRecord(callback, receivedAt, config.retentionDays, specDeviations);
  return answered(await keepRecord(record, sent, budget));
}

// No middy early-timeout timer: the answer budget (lambda/adapters/deadline.ts) already bounds the answer.
const pipeline = middy<ApiGatewayEvent, ApiGatewayResult>({ timeoutEarlyInMillis: 0 })
  .use(callbackLog())
  .use(errorResponses())
  .handler(recordDisconnect);
export const handler = withRequestIds(pipeline);
