import type { MiddlewareObj } from '@middy/core';
import type { ApiGatewayEvent, ApiGatewayResult } from './api-gateway.ts';
import { callbackRequestOf } from './callback-request.ts';

/** The deviation a record names when its body was not UTF-8 and was read by the ISO-8859-1 rule. */
export const NOT_UTF8 = 'the body is not valid UTF-8: read as ISO-8859-1, one character per byte';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * A base64 body (`isBase64Encoded`) decoded once, into the text every later step reads. Bytes that are not valid
 * UTF-8 are never replaced by U+FFFD: they are read as ISO-8859-1, which maps each byte to one character, so the
 * stored text re-encoded as ISO-8859-1 gives back the exact bytes sent (docs/http-answers.md), and the request's
 * state names the deviation for the record. Placed after the body limit, which counts the encoded body's decoded bytes.
 */
export function bodyText(): MiddlewareObj<ApiGatewayEvent, ApiGatewayResult> {
  return {
    before(request) {
      const { event } = request;
      if (event.isBase64Encoded !== true || typeof event.body !== 'string') return;
      const bytes = Buffer.from(event.body, 'base64');
      try {
        event.body = strictUtf8.decode(bytes);
      } catch {
        event.body = bytes.toString('latin1');
        callbackRequestOf(request).bodyDeviations = [NOT_UTF8];
      }
      event.isBase64Encoded = false;
    },
  };
}
