import type { MiddlewareObj } from '@middy/core';
import type { ApiGatewayEvent, ApiGatewayResult } from './api-gateway.ts';
import { callbackRequestOf } from './callback-request.ts';

/**
 * The GET form of the callback (`disconnectMethod` / `CallStatusMethod` GET): every field arrives as a
 * query-string parameter. The parameters become the JSON body, so the same parser (with its prototype-key
 * protection) and the schema treat both forms alike; the schema then types the values (see validate.ts).
 */
export function queryForm(): MiddlewareObj<ApiGatewayEvent, ApiGatewayResult> {
  return {
    before(request) {
      // The form was worked out once, by callbackRequest().
      if (callbackRequestOf(request).form !== 'query') return;
      const { event } = request;
      event.body = JSON.stringify(event.queryStringParameters ?? {});
      event.isBase64Encoded = false;
    },
  };
}
