/**
 * Bandwidth Voice Disconnect callback → one record in DynamoDB → 204.
 * The pipeline, top to bottom: auth → body (JSON, or the GET form's parameters) → size limit → parse (middy's
 * http-json-body-parser; plain JSON.parse for text that cannot hold a forbidden key) → validate → record → store → 204.
 */
import middy from '@middy/core';
import { readConfig } from '../lib/config.ts';
import { type ApiGatewayEvent, type ApiGatewayResult, httpMethod } from '../lib/http/api-gateway.ts';
import { callbackLog, OUTCOME_HEADER } from '../lib/http/callback-log.ts';
import { errorResponses } from '../lib/http/error-responses.ts';
import { basicAuth } from '../lib/http/basic-auth.ts';
import { callbackCredentials } from '../lib/http/callback-credentials.ts';
import { bodyLimit } from '../lib/http/body-limit.ts';
import { queryForm } from '../lib/http/query-form.ts';
import { keepRejected, sentInput } from '../lib/http/keep-rejected.ts';
import { jsonBody } from '../lib/http/json-body.ts';
import { receivedAt } from '../lib/http/received-at.ts';
import { validateCallback } from '../lib/callback/validate.ts';
import { toDisconnectRecord } from '../lib/record/disconnect-record.ts';
import { DisconnectsTable } from '../lib/store/disconnects-table.ts';
import { ParkedCallbacks } from '../lib/store/parked-callbacks.ts';
import { recordKeeper } from '../lib/store/keep-record.ts';

// Built once per container.
const config = readConfig();
const table = new DisconnectsTable({
  tableName: config.tableName,
  region: config.region,
  endpoint: config.dynamoEndpoint,
  requestTimeoutMs: config.answerBudgetMs / 5,
});
const parked =
  config.parkedBucket === undefined
    ? undefined
    : new ParkedCallbacks({
        bucket: config.parkedBucket,
        region: config.region,
        endpoint: config.s3Endpoint,
        requestTimeoutMs: config.answerBudgetMs / 5,
      });
const keepRecord = recordKeeper({ table, parked, budgetMs: config.answerBudgetMs });

// No middy early-timeout timer per request: the answer budget (keep-record.ts) already bounds the answer.
export const handler = middy<ApiGatewayEvent, ApiGatewayResult>({ timeoutEarlyInMillis: 0 })
  .use(callbackLog())
  .use(errorResponses())
  .use(config.auth === undefined ? [] : basicAuth(callbackCredentials(config.auth)))
  .use(queryForm())
  .use(bodyLimit(config.maxBodyBytes))
  .use(keepRejected(parked, config.answerBudgetMs))
  .use(jsonBody())
  .handler(async (event) => {
    const form = httpMethod(event) === 'GET' ? 'query' : 'json';
    const callback = validateCallback(event.body, form);
    const record = toDisconnectRecord(callback, receivedAt(event), config.retentionDays);
    // Parked as sent, so replay sees exactly what Bandwidth delivered.
    const outcome = await keepRecord(record, sentInput(event) ?? { form, body: JSON.stringify(callback) });
    return { statusCode: 204, headers: { [OUTCOME_HEADER]: outcome } };
  });
