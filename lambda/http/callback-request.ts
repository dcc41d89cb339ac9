import { AnswerBudget } from '../adapters/deadline.ts';
import type { CallbackForm } from '../domain/callback/validate.ts';
import { type ApiGatewayEvent, httpMethod } from './api-gateway.ts';

/** What the request says before its body is read: its form, when API Gateway received it, and its answer budget. */
export interface CallbackRequest {
  readonly form: CallbackForm;
  readonly receivedAt: Date;
  readonly budget: AnswerBudget;
}

/** When API Gateway received the request (its own clock), else now. */
export function receivedAt(event: ApiGatewayEvent): Date {
  const context = event.requestContext as { timeEpoch?: unknown; requestTimeEpoch?: unknown } | undefined;
  const epoch = context?.timeEpoch ?? context?.requestTimeEpoch;
  return typeof epoch === 'number' && Number.isFinite(epoch) ? new Date(epoch) : new Date();
}

/** The budget counts from API Gateway's receipt, so time spent before the handler (a cold start) is counted. */
export function readCallbackRequest(event: ApiGatewayEvent, budgetMs: number): CallbackRequest {
  const received = receivedAt(event);
  return {
    form: httpMethod(event) === 'GET' ? 'query' : 'json',
    receivedAt: received,
    budget: new AnswerBudget(budgetMs, received.getTime()),
  };
}
