import type { MiddlewareObj } from '@middy/core';
import type { ApiGatewayEvent, ApiGatewayResult } from './api-gateway.ts';
import { RequestRejected } from './request-rejected.ts';

/** Answers 413 for a body over `maxBytes` (decoded size) before anything parses it. */
export function bodyLimit(maxBytes: number): MiddlewareObj<ApiGatewayEvent, ApiGatewayResult> {
  return {
    before({ event }) {
      const { body } = event;
      if (typeof body !== 'string') return;
      // Cheap upper bound first: a UTF-8 string never takes more than 3 bytes per UTF-16 unit.
      if (body.length * 3 <= maxBytes) return;
      const bytes = Buffer.byteLength(body, event.isBase64Encoded === true ? 'base64' : 'utf8');
      if (bytes > maxBytes) {
        throw new RequestRejected(413, 'body too large', [`the body is ${bytes} bytes; the limit is ${maxBytes}`]);
      }
    },
  };
}
