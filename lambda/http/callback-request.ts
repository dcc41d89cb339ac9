import type { MiddlewareObj, Request } from '@middy/core';
import type { Context } from 'aws-lambda';
import { AnswerBudget } from '../adapters/deadline.ts';
import type { CallbackInput, PresentedCredentials } from '../adapters/parked-callbacks.ts';
import { type ApiGatewayEvent, type ApiGatewayResult, httpMethod } from './api-gateway.ts';
import { receivedAt } from './received-at.ts';

/** What the steps of one request learn and share: worked out once, at the start. */
export interface CallbackRequest {
  form: CallbackInput['form'];
  receivedAt: Date;
  budget: AnswerBudget;
  /** The callback as sent (decoded body text, or the GET form's parameters as JSON), captured before parsing. */
  input?: CallbackInput;
  /** Set when the password could not be read in time: the credentials presented, to be checked by replay. */
  unverified?: PresentedCredentials;
  /** How the body's encoding deviates from the spec (body-text.ts): empty for a body that was UTF-8. */
  bodyDeviations: readonly string[];
  /** Set by keepRejected once a refused callback is kept in quarantine/ (the log line's outcome says so). */
  quarantined?: true;
}

const KEY = 'callbackRequest';

export type RecorderRequest = Request<ApiGatewayEvent, ApiGatewayResult>;
/** The Lambda context as the handler sees it: the request's state on it, as @middy/ssm's `setToContext` does. */
export type RecorderContext = Context & { readonly [KEY]: CallbackRequest };

/** The request's state, as the first step (callbackRequest) left it on middy's `request.internal`. */
export function callbackRequestOf(request: RecorderRequest): CallbackRequest {
  const state = (request.internal as Record<string, unknown>)[KEY] as CallbackRequest | undefined;
  if (state === undefined) throw new Error('callbackRequest() must be the first step of the pipeline');
  return state;
}

/** The request's state when the first step ran (undefined when it could not): for the log line, which never throws. */
export function callbackRequestIfAny(request: RecorderRequest): CallbackRequest | undefined {
  return (request.internal as Record<string, unknown>)[KEY] as CallbackRequest | undefined;
}

/**
 * The first step: the request's state on `request.internal` for the middlewares and on a per-request context for
 * the handler: a copy of Lambda's context (a plain object of fields and functions) with the state added, so nothing
 * outlives the request and concurrent requests given one context object (tests) never see each other's state.
 * A copy rather than `Object.create(context)`: making each context a prototype cost ~13 µs per request in a loop,
 * ~50 µs in the handler's profile; the copy ~0.3 µs (docs/performance.md).
 */
export function callbackRequest(budgetMs: number): MiddlewareObj<ApiGatewayEvent, ApiGatewayResult> {
  return {
    before(request) {
      const received = receivedAt(request.event);
      const state: CallbackRequest = {
        form: httpMethod(request.event) === 'GET' ? 'query' : 'json',
        receivedAt: received,
        budget: new AnswerBudget(budgetMs, received.getTime()),
        bodyDeviations: [],
      };
      (request.internal as Record<string, unknown>)[KEY] = state;
      const context: RecorderContext = { ...request.context, [KEY]: state };
      request.context = context;
    },
  };
}
