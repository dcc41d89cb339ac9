import type { ErrorObject } from 'ajv';
import type { DisconnectCallback } from './disconnect-callback.generated.ts';
import validateJsonBody from './validate-json-body.generated.cjs';
import validateQueryForm from './validate-query-form.generated.cjs';
import { storabilityProblems } from '../record/storable.ts';
import { RequestRejected } from '../http/request-rejected.ts';

export type { DisconnectCallback };
export type CallbackForm = 'json' | 'query';

/** The causes Bandwidth documents; the list is not exhaustive, so others are accepted (and logged). */
export const DOCUMENTED_CAUSES: ReadonlySet<string> = new Set([
  'hangup', 'busy', 'timeout', 'cancel', 'rejected', 'callback-error', 'invalid-bxml',
  'application-error', 'account-limit', 'node-capacity-exceeded', 'error', 'unknown',
]);

function field(error: ErrorObject): string {
  const path = error.instancePath.slice(1).replaceAll('/', '.');
  if (error.keyword === 'required') {
    const missing = String(error.params['missingProperty']);
    return path === '' ? missing : `${path}.${missing}`;
  }
  return path === '' ? 'the body' : path;
}

/** Ajv's errors in plain words, one per failing field: "answerTime must be an ISO 8601 date-time, null or empty". */
export function describeErrors(errors: readonly ErrorObject[]): string[] {
  const described = new Map<string, string>();
  for (const error of errors) {
    const name = field(error);
    if (described.has(name)) continue; // the first error per field is the telling one
    const params = error.params as Record<string, unknown>;
    let words: string;
    switch (error.keyword) {
      case 'required': words = 'is required'; break;
      case 'type':
        words = name === 'the body' ? 'must be a JSON object' : `must be ${String(params['type']).replace(',', ' or ')}`;
        break;
      case 'const': words = `must be ${JSON.stringify(params['allowedValue'])}`; break;
      case 'maxLength': words = `must be at most ${String(params['limit'])} characters`; break;
      case 'minLength': words = 'must not be empty'; break;
      case 'minimum':
      case 'maximum': words = `must be ${String(params['comparison'])} ${String(params['limit'])}`; break;
      case 'format':
      case 'anyOf': words = 'must be an ISO 8601 date-time (or null or empty)'; break;
      case 'not': words = 'is reserved for the recorder and cannot be sent'; break;
      default: words = error.message ?? 'is invalid';
    }
    described.set(name, `${name} ${words}`);
  }
  return [...described.values()];
}

/**
 * The schema's verdict on a parsed callback: the callback, typed, or a 422 naming every failing field.
 * The GET form's values are strings; its validator coerces them to the schema's types in place.
 */
export function validateCallback(value: unknown, form: CallbackForm): DisconnectCallback {
  const validate = form === 'query' ? validateQueryForm : validateJsonBody;
  if (!validate(value)) {
    throw new RequestRejected(422, 'the callback does not match the Disconnect schema', describeErrors(validate.errors ?? []));
  }
  const problems = storabilityProblems(value);
  if (problems.length > 0) {
    throw new RequestRejected(422, 'the callback cannot be stored in DynamoDB', problems);
  }
  return value as DisconnectCallback;
}
