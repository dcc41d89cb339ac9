import type { MiddlewareObj, Request } from '@middy/core';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import { mayHoldLongNumber, parseJsonExactly } from '../domain/callback/exact-number.ts';
import type { ApiGatewayEvent, ApiGatewayResult } from './api-gateway.ts';

/**
 * Text in which no object key can be `__proto__` or `constructor`: neither name appears, and no `\u` escape could
 * spell one (no other JSON escape yields a letter or `_`). Anything else, false alarms included, goes to middy.
 */
const MAY_HOLD_FORBIDDEN_KEY = /__proto__|constructor|\\u/;

/**
 * The body parsed by `@middy/http-json-body-parser` (its prototype-key guard, its 422 for malformed JSON, its
 * base64 decoding), with one shortcut for the usual callback: middy's guard is a reviver, and a reviver makes
 * JSON.parse several times slower (docs/performance.md). When the text cannot hold a key the guard refuses, the
 * reviver would return every value unchanged, so a plain JSON.parse gives the very same object (and, unlike the
 * reviver, does not overflow the stack on JSON nested thousands of levels deep: such a body then gets the
 * storability check's precise 422). Every other body (a suspicious name or escape, base64, or JSON that does not
 * parse) is middy's, with middy's answer. tests/lambda/http/json-body.test.ts holds the two against each other.
 */
export function jsonBody(): MiddlewareObj<ApiGatewayEvent, ApiGatewayResult> {
  // No content-type check: a callback without the header must not be lost.
  const middyParser = httpJsonBodyParser({ disableContentTypeCheck: true });
  const parse = middyParser.before;
  if (parse === undefined) throw new Error('@middy/http-json-body-parser has no before step');
  return {
    before(request) {
      const { body, isBase64Encoded } = request.event;
      if (typeof body === 'string' && isBase64Encoded !== true && !MAY_HOLD_FORBIDDEN_KEY.test(body)) {
        try {
          (request.event as { body: unknown }).body = parseJsonExactly(body);
          return;
        } catch {
          // Not JSON: middy's parser gives the answer (422, and why).
        }
      }
      const parsed = parse(request);
      // Numbers a double would alter, kept as sent: read again, now that middy has found no forbidden key.
      if (typeof body === 'string' && isBase64Encoded !== true && mayHoldLongNumber(body)) {
        (request.event as { body: unknown }).body = parseJsonExactly(body);
      }
      return parsed;
    },
  };
}

const parser = jsonBody();

/**
 * The intake's parse step: the decoded text through the parser above. Like middy's, it leaves the parsed body on
 * `event.body`, where the log line reads the callback's ids. Throws the parser's 422.
 */
export function parseJsonBody(event: ApiGatewayEvent, text: string): unknown {
  // A REST API request without a body has `body: null`, which middy's parser reads as JSON null, not as empty.
  if (event.body !== null || text !== '') event.body = text;
  event.isBase64Encoded = false;
  parser.before?.({ event } as Request<ApiGatewayEvent, ApiGatewayResult>);
  return event.body;
}
