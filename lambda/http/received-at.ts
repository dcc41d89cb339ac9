import type { ApiGatewayEvent } from './api-gateway.ts';

/** When API Gateway received the request (its own clock), else now. */
export function receivedAt(event: ApiGatewayEvent): Date {
  const context = event.requestContext as { timeEpoch?: unknown; requestTimeEpoch?: unknown } | undefined;
  const epoch = context?.timeEpoch ?? context?.requestTimeEpoch;
  return typeof epoch === 'number' && Number.isFinite(epoch) ? new Date(epoch) : new Date();
}
