import type { CallbackInput } from '../adapters/parked-callbacks.ts';
import type { CallbackForm } from '../domain/callback/validate.ts';
import type { ApiGatewayEvent } from './api-gateway.ts';
import { RequestRejected } from './request-rejected.ts';

/** The deviation a record names when its body was not UTF-8 and was read by the ISO-8859-1 rule. */
export const NOT_UTF8 = 'the body is not valid UTF-8: read as ISO-8859-1, one character per byte';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The callback as sent, as text, and how its encoding deviates from the spec (empty for UTF-8). */
export interface CallbackBody {
  readonly sent: CallbackInput;
  readonly bodyDeviations: readonly string[];
}

/** Answers 413 for a body over `maxBytes`, counted in decoded bytes, not characters or base64 text. */
export function checkBodySize(body: string, isBase64Encoded: boolean, maxBytes: number): void {
  // Cheap upper bound first: a UTF-8 string never takes more than 3 bytes per UTF-16 unit.
  if (body.length * 3 <= maxBytes) return;
  const bytes = Buffer.byteLength(body, isBase64Encoded ? 'base64' : 'utf8');
  if (bytes > maxBytes) {
    throw new RequestRejected(413, 'body too large', [`the body is ${bytes} bytes; the limit is ${maxBytes}`]);
  }
}

/**
 * The callback's text, bounded before anything parses it. The GET form's parameters become a JSON text, so one
 * parser and one schema read both forms. Bytes that are not UTF-8 are read as ISO-8859-1 rather than replaced, so
 * the exact bytes sent can be recovered from the text (docs/http-answers.md).
 */
export function readCallbackBody(event: ApiGatewayEvent, form: CallbackForm, maxBytes: number): CallbackBody {
  const base64 = form === 'json' && event.isBase64Encoded === true;
  const body = form === 'query' ? JSON.stringify(event.queryStringParameters ?? {}) : (event.body ?? '');
  checkBodySize(body, base64, maxBytes);
  if (!base64) return { sent: { form, body }, bodyDeviations: [] };
  const bytes = Buffer.from(body, 'base64');
  try {
    return { sent: { form, body: strictUtf8.decode(bytes) }, bodyDeviations: [] };
  } catch {
    return { sent: { form, body: bytes.toString('latin1') }, bodyDeviations: [NOT_UTF8] };
  }
}
